// Mocha's --reporter wants a module whose export is the constructor (tsx is registered by .mocharc).
module.exports = require('./reporter.ts').CountingReporter;
