/**
 * Jest resolver: specs import Node-only test code as './x.cjs' while the source is './x.cts'.
 * A moduleNameMapper rewriting every relative '*.cjs' also rewrites requires inside
 * node_modules (n8n-workflow -> @n8n/utils/dist/*.cjs), so resolve normally first and fall back
 * to the '.cts' source only when no '.cjs' file exists.
 */
module.exports = (request, options) => {
	try {
		return options.defaultResolver(request, options);
	} catch (error) {
		if (!/^\.{1,2}\/.*\.cjs$/.test(request)) throw error;
		return options.defaultResolver(request.replace(/\.cjs$/, '.cts'), options);
	}
};
