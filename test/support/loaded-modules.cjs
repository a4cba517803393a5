// Preloaded with `node --require`: at exit, writes the path of every module the process loaded (require.cache,
// which also holds CommonJS modules imported from ESM) to the file named by LOADED_MODULES_OUT.
const fs = require("fs");
process.on("exit", () => {
  fs.writeFileSync(process.env.LOADED_MODULES_OUT, JSON.stringify(Object.keys(require.cache)));
});
