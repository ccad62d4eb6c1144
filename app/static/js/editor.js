// The content editor's enhancements; every form works without this file.
// - textarea[data-preview]: a live Markdown preview (debounced POST to data-preview-url)
// - input[type=file][data-insert-image]: upload an image, insert its Markdown at the cursor
(() => {
  "use strict";
  const DELAY = 400;

  function csrfToken(element) {
    const form = element.closest("form");
    const input = form && form.querySelector("input[name=csrf_token]");
    return input ? input.value : "";
  }

  function post(url, element, body) {
    const token = csrfToken(element);
    if (token) body.append("csrf_token", token);
    return fetch(url, {
      method: "POST", body, credentials: "same-origin",
      headers: { "X-CSRFToken": token, "X-Requested-With": "fetch" },
    });
  }

  function livePreview(textarea) {
    const pane = document.getElementById(textarea.dataset.preview);
    const url = textarea.dataset.previewUrl;
    if (!pane || !url) return;
    let timer = null;
    let latest = 0;
    const refresh = () => {
      const ticket = ++latest;
      const body = new FormData();
      body.append("text", textarea.value);
      post(url, textarea, body)
        .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
        .then((html) => {
          if (ticket === latest) pane.innerHTML = html; // sanitised on the server (nh3)
        })
        .catch(() => {}); // keep the last preview; saving still works
    };
    textarea.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(refresh, DELAY);
    });
  }

  function insertAtCursor(textarea, text) {
    const start = textarea.selectionStart ?? textarea.value.length;
    const end = textarea.selectionEnd ?? start;
    const before = textarea.value.slice(0, start);
    const after = textarea.value.slice(end);
    const lead = before === "" || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
    const trail = after.startsWith("\n") ? "\n" : "\n\n";
    textarea.value = before + lead + text + trail + after;
    const cursor = (before + lead + text).length;
    textarea.setSelectionRange(cursor, cursor);
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function imageUploader(input) {
    const textarea = document.getElementById(input.dataset.target);
    const status = input.parentElement.querySelector("[data-upload-status]");
    const url = input.dataset.insertImage;
    if (!textarea || !url) return;
    const say = (text, isError) => {
      if (!status) return;
      status.textContent = text;
      status.classList.toggle("form-error", Boolean(isError));
    };
    input.addEventListener("change", () => {
      const file = input.files && input.files[0];
      if (!file) return;
      if (Number(input.dataset.maxBytes) && file.size > Number(input.dataset.maxBytes)) {
        say(input.dataset.tooLarge, true);
        input.value = "";
        return;
      }
      const body = new FormData();
      body.append("image", file);
      say(input.dataset.uploading, false);
      post(url, input, body)
        .then((response) => response.json().catch(() => ({})).then((data) => ({ response, data })))
        .then(({ response, data }) => {
          if (response.ok && data.markdown) {
            insertAtCursor(textarea, data.markdown);
            say("✓ " + file.name, false);
          } else {
            say(data.error || (response.status === 413 ? input.dataset.tooLarge
                                                        : input.dataset.failed), true);
          }
        })
        .catch(() => say(input.dataset.failed, true))
        .finally(() => { input.value = ""; }); // the form must not upload it again
    });
  }

  document.querySelectorAll("textarea[data-preview]").forEach(livePreview);
  document.querySelectorAll("input[type=file][data-insert-image]").forEach(imageUploader);
  document.querySelectorAll("[data-nojs]").forEach((element) => { element.hidden = true; });
})();
