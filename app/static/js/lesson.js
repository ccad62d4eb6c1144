// Lesson progress (see app/services/content/learning.py): tell the server when the end of the
// lesson has been on screen, and where the video or audio player is. Without this file the
// "mark as finished" button still works.
(() => {
  const root = document.querySelector("[data-lesson-progress]");
  if (!root || !window.fetch) return;
  const url = root.dataset.progressUrl;
  const meta = document.querySelector('meta[name="csrf-token"]');
  const token = meta ? meta.content : "";
  let completed = root.dataset.completed === "true";

  function showDone() {
    completed = true;
    const done = root.querySelector("[data-done]");
    const form = root.querySelector("[data-complete-form]");
    if (done) done.hidden = false;
    if (form) form.hidden = true;
  }

  function report(payload, leaving) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: Boolean(leaving),
      headers: { "Content-Type": "application/json", "Accept": "application/json",
                 "X-CSRFToken": token },
      body: JSON.stringify(payload),
    })
      .then((response) => (response.ok ? response.json() : null))
      .then((data) => { if (data && data.completed && !completed) showDone(); })
      .catch(() => {});
  }

  // Reading to the end completes a lesson without a video; a video lesson needs watching.
  const marker = root.querySelector("[data-lesson-end]");
  if (marker && root.dataset.hasVideo !== "true" && "IntersectionObserver" in window) {
    const observer = new IntersectionObserver((entries) => {
      if (!entries.some((entry) => entry.isIntersecting)) return;
      observer.disconnect();
      if (!completed) report({ event: "read_end" });
    });
    observer.observe(marker);
  }

  root.querySelectorAll("video[data-track], audio[data-track]").forEach((player) => {
    const start = parseFloat(player.dataset.start || "0");
    let lastSent = 0;
    let crossedSent = false;
    player.addEventListener("loadedmetadata", () => {
      if (start > 0 && start < player.duration - 3) player.currentTime = start;
    }, { once: true });

    function send(force) {
      const duration = player.duration;
      if (!duration || !isFinite(duration)) return;
      const position = player.currentTime;
      const crossed = position >= 0.9 * duration;
      const now = Date.now();
      if (!force && !(crossed && !crossedSent) && now - lastSent < 15000) return;
      lastSent = now;
      if (crossed) crossedSent = true;
      report({ event: "media", position, duration }, force);
    }

    player.addEventListener("timeupdate", () => send(false));
    player.addEventListener("pause", () => send(true));
    player.addEventListener("ended", () => send(true));
  });
})();
