// The script coach (话术陪练, see app/templates/coach/_report.html): any
//   <textarea data-coach-url="/coach/check" data-coach-step="ID">
// (or data-coach-attempt-question="ID") gets a 检查话术 button; pressing it posts the text and
// shows the server's report below. The report's HTML is rendered and escaped by the server;
// error messages are shown as plain text. The words come from the page: the macro
// coach_attributes() in coach/_report.html writes them (data-coach-label, -error, -offline).
// Without this file nothing changes on the page.
(() => {
  if (!window.fetch) return;
  const meta = document.querySelector('meta[name="csrf-token"]');
  const token = meta ? meta.content : "";

  function part(box, selector, make) {
    const found = box.querySelector(selector);
    if (found) return found;
    const element = make();
    box.appendChild(element);
    return element;
  }

  function setUp(area) {
    const box = area.closest("[data-coach]") || area.parentElement;
    const button = part(box, "[data-coach-check]", () => {
      const made = document.createElement("button");
      made.type = "button";
      made.className = "button";
      made.setAttribute("data-coach-check", "");
      made.textContent = area.dataset.coachLabel || "?";
      return made;
    });
    const output = part(box, "[data-coach-output]", () => {
      const made = document.createElement("div");
      made.setAttribute("data-coach-output", "");
      return made;
    });
    button.hidden = false;
    button.addEventListener("click", (event) => {
      event.preventDefault();
      check(area, button, output);
    });
  }

  function say(output, text) {
    output.textContent = "";
    const line = document.createElement("p");
    line.className = "hint error";
    line.textContent = text;
    output.appendChild(line);
  }

  function check(area, button, output) {
    const body = { text: area.value };
    if (area.dataset.coachStep) body.sop_step = area.dataset.coachStep;
    if (area.dataset.coachAttemptQuestion) {
      body.attempt_question = area.dataset.coachAttemptQuestion;
    }
    button.disabled = true;
    fetch(area.dataset.coachUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json",
                 "X-CSRFToken": token },
      body: JSON.stringify(body),
    })
      .then((response) => response.json().then((data) => ({ ok: response.ok, data })))
      .then(({ ok, data }) => {
        if (ok && typeof data.html === "string") output.innerHTML = data.html;
        else say(output, data.error || area.dataset.coachError || "");
      })
      .catch(() => say(output, area.dataset.coachOffline || ""))
      .finally(() => { button.disabled = false; });
  }

  document.querySelectorAll("textarea[data-coach-url]").forEach(setUp);
})();
