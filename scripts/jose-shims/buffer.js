// Bundled in place of node:buffer for jose (gulpfile.js, build:bundle): Buffer is a Node global,
// and n8n's verification allows only node:crypto among Node's modules.
module.exports = { Buffer };
