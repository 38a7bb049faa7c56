/*
 * Ribbon commands of the 满意度 CSAT tab (manifest.xml), for xlwings Server.
 *
 * Each ExecuteFunction button of the manifest is associated here with the
 * xlwings script it runs (csat_xl.actions.scripts): the add-in sends the
 * workbook to the server, the script runs in Python and xlwings.js replays
 * its writes into the workbook.  Load this file from the page the
 * manifest's FunctionFile points to, after office.js and xlwings.js.
 *
 * event.completed() must be called whatever happens, or Excel keeps the
 * button busy; errors are shown by xlwings.js as an alert.
 */

async function runCsatScript(scriptName, event) {
  try {
    const auth =
      typeof globalThis.getAuth === "function"
        ? await globalThis.getAuth()
        : { token: "", provider: "" };
    await xlwings.runPython({
      scriptName: scriptName,
      auth: auth.token,
      headers: { "Auth-Provider": auth.provider },
    });
  } finally {
    event.completed();
  }
}

Office.actions.associate("csatBuildReport", (event) => runCsatScript("build_report", event));
Office.actions.associate("csatNewTemplate", (event) => runCsatScript("new_template", event));
Office.actions.associate("csatValidate", (event) => runCsatScript("validate", event));
Office.actions.associate("csatRefreshResults", (event) => runCsatScript("refresh_results", event));

// New template (xlwings Server): Python sends the template file as base64
// through book.app.macro("csatOpenWorkbook"); Office.js opens it as a new
// workbook, exactly as `csat-xl template` writes it.  Callbacks called by
// book.app.macro() get the request context first, then Python's arguments.
async function csatOpenWorkbook(context, base64) {
  await Excel.createWorkbook(base64);
}
xlwings.registerCallback(csatOpenWorkbook);
