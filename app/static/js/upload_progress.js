/* Import forms (roster, question bank): send the file with XMLHttpRequest so that the page can
   show how much of it has been uploaded, then that the server is checking and importing it.
   The answer replaces the page exactly as a plain form post would. Forms opt in with
   data-upload-progress and hold a [data-progress] block (hidden until used) with the texts
   in data-uploading / data-working. Without XMLHttpRequest the form posts as usual. */
(function () {
  "use strict";

  function show(form) {
    var box = form.querySelector("[data-progress]");
    if (!box) { return null; }
    box.hidden = false;
    return {
      bar: box.querySelector("progress"),
      text: box.querySelector("[data-progress-text]"),
      box: box
    };
  }

  function replacePage(xhr, posted) {
    if (xhr.responseURL && xhr.responseURL !== posted) {  /* redirected: follow it */
      window.location.assign(xhr.responseURL);
      return;
    }
    document.open();
    document.write(xhr.responseText);
    document.close();
  }

  function send(form, event) {
    var file = form.querySelector("input[type=file]");
    if (!window.FormData || !file || !file.files || !file.files.length) { return; }
    var parts = show(form);
    if (!parts) { return; }
    event.preventDefault();
    var button = form.querySelector("[type=submit]");
    if (button) { button.disabled = true; }
    parts.text.textContent = parts.box.getAttribute("data-uploading");
    var xhr = new XMLHttpRequest();
    var posted = form.action || window.location.href;
    xhr.open("POST", posted);
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) { parts.bar.value = Math.round(100 * e.loaded / e.total); }
    });
    xhr.upload.addEventListener("load", function () {
      parts.bar.removeAttribute("value");  /* indeterminate while the server works */
      parts.text.textContent = parts.box.getAttribute("data-working");
    });
    xhr.addEventListener("load", function () { replacePage(xhr, posted); });
    xhr.addEventListener("error", function () {
      if (button) { button.disabled = false; }
      parts.text.textContent = parts.box.getAttribute("data-failed");
    });
    xhr.send(new FormData(form));
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form && form.hasAttribute && form.hasAttribute("data-upload-progress")) {
      send(form, event);
    }
  });
})();
