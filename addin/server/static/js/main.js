/*
 * Ribbon commands of the 满意度 CSAT tab (templates/manifest.xml).
 *
 * xlwings Server loads this module (static/js/main.js of the project) on the
 * page the manifest's FunctionFile points to (taskpane.html, the shared
 * runtime). It imports runPython and registerCallback from xlwings' own
 * module instead of relying on the `xlwings` global, which a deferred script
 * sets later. Each ExecuteFunction button is associated with the script of
 * csat_xl.actions.scripts it runs; event.completed() is called whatever
 * happens, or Excel keeps the button busy (errors are shown by xlwings as
 * an alert).
 */
import { registerCallback, runPython } from "./custom-scripts/index.js";

/** FunctionName in the manifest -> script name (custom_scripts). */
export const CSAT_BUTTONS = {
  csatBuildReport: "build_report",
  csatNewTemplate: "new_template",
  csatValidate: "validate",
  csatRefreshResults: "refresh_results",
};

async function runCsatScript(scriptName, event) {
  try {
    const auth =
      typeof globalThis.getAuth === "function"
        ? await globalThis.getAuth()
        : { token: "", provider: "" };
    await runPython({
      scriptName: scriptName,
      auth: auth.token,
      headers: { "Auth-Provider": auth.provider },
    });
  } finally {
    event.completed();
  }
}

for (const [functionName, scriptName] of Object.entries(CSAT_BUTTONS)) {
  Office.actions.associate(functionName, (event) => runCsatScript(scriptName, event));
}

// New template: Python sends the template file as base64 through
// book.app.macro("csatOpenWorkbook"); Office.js opens it as a new workbook,
// exactly as `csat-xl template` writes it. Callbacks called by
// book.app.macro() get the request context first, then Python's arguments.
async function csatOpenWorkbook(context, base64) {
  await Excel.createWorkbook(base64);
}
registerCallback(csatOpenWorkbook);
