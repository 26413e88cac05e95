// n8n discovers nodes and credentials through the "n8n" section of package.json;
// this entry point only exists so that `require('n8n-nodes-vonage')` resolves.
module.exports = {};
