// A practice run's page (practice/run.html): every field is saved on its own as it changes —
// typing after a pause, a tick or a photo at once — to the page's own save URL, which
// answers in JSON. Each step says 保存中… / 已保存 / 保存失败 next to its save button; when
// the connection drops, what was not saved is sent again (after a growing pause, and as
// soon as the device is back online). A photo is uploaded with a progress bar.
// Without this file the page still works: every save button posts the whole page, and
// 提交审核 saves everything on the page before handing the run in.
(() => {
  const form = document.querySelector("[data-run-form]");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  const token = (form.querySelector("input[name=csrf_token]") || {}).value || "";
  const dirty = new Set();  // names of fields changed and not saved yet
  let queue = Promise.resolve();
  let typing = null;
  let retry = null;
  let retryDelay = 2000;
  let leaving = false;

  const stepOf = (name) => name.slice(2, name.lastIndexOf("."));  // "s.<key>.<field>"
  const stepBox = (key) => form.querySelector(`[data-step-fields="${CSS.escape(key)}"]`);

  function say(key, text, kind) {
    const box = stepBox(key);
    const status = box && box.querySelector("[data-save-status]");
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("error", kind === "error");
    status.dataset.state = kind || "";
  }

  function fieldsNamed(name) {
    return Array.from(form.elements).filter((el) => el.name === name && el.type !== "hidden");
  }

  // The request body: the dirty fields only (a tick as "0" then "1" when ticked).
  function bodyFor(names) {
    const data = new FormData();
    data.append("csrf_token", token);
    names.forEach((name) => {
      fieldsNamed(name).forEach((el) => {
        if (el.type === "checkbox") {
          data.append(name, "0");
          if (el.checked) data.append(name, "1");
        } else if (el.type === "file") {
          if (el.files && el.files[0]) data.append(name, el.files[0]);
        } else {
          data.append(name, el.value);
        }
      });
    });
    return data;
  }

  function post(data, onProgress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.getAttribute("action") || window.location.href);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-CSRFToken", token);
      if (onProgress) {
        xhr.upload.addEventListener("progress", (event) => {
          if (event.lengthComputable) onProgress(Math.round((100 * event.loaded) / event.total));
        });
      }
      xhr.addEventListener("load", () => {
        let answer = null;
        try { answer = JSON.parse(xhr.responseText); } catch (error) { answer = null; }
        resolve({ status: xhr.status, data: answer || {} });
      });
      xhr.addEventListener("error", () => reject(new Error("offline")));
      xhr.send(data);
    });
  }

  function showStep(key, state) {
    const item = document.getElementById(`step-${key}`);
    if (!item || !state) return;
    item.dataset.done = state.done ? "yes" : "no";
    item.classList.toggle("done", state.done);
    const slot = item.querySelector("[data-photo-slot]");
    if (slot && state.photo_url && !slot.querySelector(`img[src="${state.photo_url}"]`)) {
      const link = document.createElement("a");
      link.href = state.photo_url;
      link.className = "evidence-photo";
      link.setAttribute("data-testid", "evidence-photo");
      const image = document.createElement("img");
      image.src = state.photo_url;
      image.alt = slot.dataset.photoAlt || "";
      link.appendChild(image);
      slot.replaceChildren(link);
    }
  }

  function showProgress(data) {
    const text = form.dataset.progressText;
    if (!text || typeof data.done !== "number") return;
    document.querySelectorAll("[data-run-progress]").forEach((el) => {
      el.textContent = text.replace("999999", data.done).replace("888888", data.total);
    });
  }

  function scheduleRetry() {
    clearTimeout(retry);
    retry = setTimeout(flush, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 30000);
  }

  // Send what is dirty now; a field changed again meanwhile stays dirty for the next round.
  function send() {
    const names = Array.from(dirty);
    if (!names.length || leaving) return Promise.resolve();
    names.forEach((name) => dirty.delete(name));
    const keys = Array.from(new Set(names.map(stepOf)));
    const file = names.find((name) => fieldsNamed(name).some((el) => el.type === "file"));
    keys.forEach((key) => say(key, form.dataset.savingMessage));
    const onProgress = file ? (percent) => say(stepOf(file),
      form.dataset.uploadingMessage.replace("__P__", `${percent}%`)) : null;
    return post(bodyFor(names), onProgress).then(({ status, data }) => {
      if (!data.steps) {
        if (status >= 500 || !data.error) throw new Error("server");  // try again later
        keys.forEach((key) => say(key, data.error, "error"));  // e.g. handed in elsewhere
        leaving = true;
        return;
      }
      retryDelay = 2000;
      const errors = data.errors || {};
      Object.entries(data.steps || {}).forEach(([key, state]) => showStep(key, state));
      showProgress(data);
      keys.forEach((key) => {
        if (errors[key]) {
          say(key, `${form.dataset.failedMessage}: ${errors[key].message}`, "error");
        } else {
          say(key, form.dataset.savedMessage, "saved");
        }
      });
      if (file && !errors[stepOf(file)]) fieldsNamed(file).forEach((el) => { el.value = ""; });
    }).catch(() => {
      names.forEach((name) => dirty.add(name));
      keys.forEach((key) => say(key, form.dataset.offlineMessage, "error"));
      scheduleRetry();
    });
  }

  function flush() {
    clearTimeout(typing);
    queue = queue.then(send, send);
    return queue;
  }

  function changed(event, later) {
    const el = event.target;
    if (leaving || !el.name || !el.name.startsWith("s.") || el.type === "hidden") return;
    dirty.add(el.name);
    say(stepOf(el.name), "");
    clearTimeout(typing);
    if (later) typing = setTimeout(flush, 800);
    else flush();
  }

  form.addEventListener("input", (event) => {
    if (event.target.matches("input[type=text], input[type=url], textarea")) changed(event, true);
  });
  form.addEventListener("change", (event) => {
    const typed = event.target.matches("input[type=text], input[type=url], textarea");
    if (!typed || dirty.has(event.target.name)) changed(event, false);  // typed: saved already
  });
  window.addEventListener("online", () => { if (dirty.size) flush(); });

  // A save button or 提交审核 posts the whole page: nothing is left to autosave.
  form.addEventListener("submit", () => {
    leaving = true;
    clearTimeout(typing);
    clearTimeout(retry);
  });
  window.addEventListener("pageshow", (event) => { if (event.persisted) leaving = false; });
  window.addEventListener("beforeunload", (event) => {
    if (!leaving && dirty.size) event.preventDefault();
  });

  window.SopAcademy = Object.assign(window.SopAcademy || {}, { flushRun: flush });
})();
