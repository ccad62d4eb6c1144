// The 多选题 editor's scoring preview: while the trainer types options, ticks right ones,
// changes credits, points or the scoring rule, the form is posted (debounced) to the
// preview URL and the server's rendering of "tick every option" / "only one right option"
// replaces the box. Without this file the box shows the values as last saved or submitted.
(() => {
  "use strict";
  const DELAY = 300;

  function watch(box) {
    const form = box.closest("form");
    const url = box.dataset.scoringPreview;
    if (!form || !url) return;
    let timer = null;
    let latest = 0;
    const refresh = () => {
      const ticket = ++latest;
      const body = new FormData(form);
      const token = body.get("csrf_token") || "";
      fetch(url, {
        method: "POST", body, credentials: "same-origin",
        headers: { "X-CSRFToken": token, "X-Requested-With": "fetch" },
      })
        .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
        .then((html) => {
          if (ticket === latest) box.innerHTML = html; // rendered (escaped) by the server
        })
        .catch(() => {}); // keep the last preview; saving still works
    };
    const later = () => {
      clearTimeout(timer);
      timer = setTimeout(refresh, DELAY);
    };
    form.addEventListener("input", later);
    form.addEventListener("change", later);
  }

  document.querySelectorAll("[data-scoring-preview]").forEach(watch);
})();
