// Small progressive enhancements; every page works without this file.
//
// Every <form method="post">: once posted, its submit buttons are disabled and the pressed one
// says 提交中… (the words come from <body data-busy-label>), the form is aria-busy and a
// second tap posts nothing; everything is restored when the page is shown again (the back
// button, bfcache) or when a script that posts the form itself calls
// window.SopAcademy.ready(form). A form that carries a chosen file is sent with
// XMLHttpRequest so that a progress bar shows how much is uploaded; the server's answer
// then replaces the page as a plain post would (a redirect is followed, a page with
// errors is shown). A form with data-upload-working="…" (the import pages) then says so while
// the server works: the bar turns indeterminate and the text is shown under it. A form with
// data-no-busy is left alone.
//
// Form properties (form.submit, form.action, form.elements.item …) are shadowed by controls of
// that name, so scripts call the prototype's methods and read attributes instead.
(() => {
  const body = document.body;
  const label = (body && body.dataset.busyLabel) || "…";

  function buttons(form) {
    return Array.from(form.elements).filter((el) => el.type === "submit");
  }

  function busy(form, submitter) {
    form.dataset.busy = "1";
    form.setAttribute("aria-busy", "true");
    if (submitter && submitter.tagName === "BUTTON" && !("busyText" in submitter.dataset)) {
      submitter.dataset.busyText = submitter.textContent;
      submitter.textContent = label;
    }
    // Disabled only after the browser has collected the form: a disabled submitter would not
    // send its name and value (e.g. action=save:step).
    window.setTimeout(() => {
      if (form.dataset.busy !== "1") return;
      buttons(form).forEach((el) => {
        if (!el.disabled) { el.disabled = true; el.dataset.busyDisabled = "1"; }
      });
    }, 0);
  }

  function ready(form) {
    delete form.dataset.busy;
    form.removeAttribute("aria-busy");
    buttons(form).forEach((el) => {
      if (el.dataset.busyDisabled) { el.disabled = false; delete el.dataset.busyDisabled; }
      if ("busyText" in el.dataset) { el.textContent = el.dataset.busyText; delete el.dataset.busyText; }
    });
    form.querySelectorAll("[data-upload-progress], [data-upload-note]").forEach((el) => el.remove());
  }

  window.SopAcademy = Object.assign(window.SopAcademy || {}, { busy, ready });

  function chosenFile(form) {
    return Array.from(form.querySelectorAll("input[type=file]"))
      .some((input) => !input.disabled && input.files && input.files.length);
  }

  function progressBar(form, submitter) {
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.className = "upload-progress";
    bar.setAttribute("data-upload-progress", "");
    bar.setAttribute("data-testid", "upload-progress");
    bar.setAttribute("aria-label", (body && body.dataset.uploadLabel) || "");
    (submitter && submitter.parentNode ? submitter.parentNode : form).appendChild(bar);
    return bar;
  }

  // Show the server's answer as the page: follow a redirect (X-Location, see
  // app/web/media.py), or write the page it sent (a form with its errors).
  function showAnswer(xhr) {
    const target = xhr.getResponseHeader("X-Location");
    if (target) {
      // Back to this very page (e.g. /practice/runs/1#step-shot): assigning would only move
      // to the anchor, so the address takes the anchor and the page is loaded again — once:
      // two loads (assign, then reload) would spend the saved message on the first.
      const next = new URL(target, window.location.href);
      const samePage = next.pathname === window.location.pathname
        && next.search === window.location.search;
      if (samePage) {
        window.history.replaceState(null, "", next.href);
        window.location.reload();
      } else {
        window.location.assign(next.href);
      }
      return;
    }
    if (xhr.responseURL && xhr.responseURL !== window.location.href) {
      window.history.replaceState(null, "", xhr.responseURL);
    }
    document.open();
    document.write(xhr.responseText);
    document.close();
  }

  // The file is up; the server now checks and imports it (which can take minutes).
  function working(form, bar) {
    const text = form.getAttribute("data-upload-working");
    if (!text) return;
    bar.removeAttribute("value");  // indeterminate
    const note = document.createElement("p");
    note.className = "muted small";
    note.setAttribute("data-upload-note", "");
    note.setAttribute("data-testid", "upload-working");
    note.setAttribute("aria-live", "polite");
    note.textContent = text;
    bar.after(note);
  }

  function upload(form, submitter) {
    const data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    const action = (submitter && submitter.getAttribute("formaction"))
      || form.getAttribute("action") || window.location.href;  // (form.action: a field may be named so)
    const bar = progressBar(form, submitter);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", action);
    xhr.setRequestHeader("X-Upload-Progress", "1");
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) bar.value = Math.round((100 * event.loaded) / event.total);
    });
    xhr.upload.addEventListener("load", () => working(form, bar));
    xhr.addEventListener("load", () => showAnswer(xhr));
    xhr.addEventListener("error", () => {
      ready(form);
      window.alert((body && body.dataset.offlineLabel) || "");
    });
    xhr.send(data);
  }

  document.addEventListener("change", (event) => {
    const el = event.target;
    if (el.matches("select[data-autosubmit]") && el.form) HTMLFormElement.prototype.submit.call(el.form);
  });

  document.addEventListener("submit", (event) => {
    const form = event.target;
    const question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); return; }
    if (event.defaultPrevented || (form.getAttribute("method") || "").toLowerCase() !== "post"
        || form.hasAttribute("data-no-busy")) return;
    if (form.dataset.busy === "1") { event.preventDefault(); return; }
    busy(form, event.submitter);
    if (chosenFile(form) && window.XMLHttpRequest && window.FormData) {
      event.preventDefault();
      upload(form, event.submitter);
    }
  });

  window.addEventListener("pageshow", () => {
    document.querySelectorAll("form[data-busy]").forEach(ready);
  });
})();

// The account menu (the name in the top bar, a <details>): a tap elsewhere or Escape closes it.
(() => {
  const menu = document.querySelector("[data-account-menu]");
  if (!menu) return;
  document.addEventListener("click", (event) => {
    if (menu.open && !menu.contains(event.target)) menu.open = false;
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && menu.open) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
})();
