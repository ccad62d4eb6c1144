// The export job page (app/templates/exports/job.html): poll the job's status every 1.5 s,
// move the progress bar, and show the download link (or the error) when it is finished.
(function () {
  "use strict";
  var page = document.querySelector("[data-export-job]");
  if (!page) { return; }
  var bar = page.querySelector("[data-export-progress]");
  var rows = page.querySelector("[data-export-rows]");
  var show = function (name, visible) {
    var element = page.querySelector("[data-export-" + name + "]");
    if (element) { element.hidden = !visible; }
  };
  var update = function (status) {
    bar.value = status.percent;
    if (status.rows_total) {
      rows.textContent = rows.getAttribute("data-label")
        .replace("{done}", status.rows_done.toLocaleString())
        .replace("{total}", status.rows_total.toLocaleString());
    }
    var finished = status.state === "done" || status.state === "failed";
    show("working", !finished);
    show("done", status.state === "done");
    if (status.state === "failed") { window.location.reload(); }
    return finished;
  };
  var poll = function () {
    fetch(page.getAttribute("data-status-url"), {credentials: "same-origin",
                                                  headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (status && !update(status)) { window.setTimeout(poll, 1500); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  };
  var state = page.getAttribute("data-state");
  if (state !== "done" && state !== "failed") { window.setTimeout(poll, 1000); }
})();
