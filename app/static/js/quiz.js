// The attempt page (learn/attempt.html): autosave every answer (exam), check an answer and show
// its grade at once (practice), ↑/↓ for ordering questions, the countdown, and a confirm before
// 交卷. Without this file the page still works: every button posts the form.
(() => {
  const form = document.querySelector("[data-quiz-form]");
  if (!form || !window.fetch || !window.FormData) return;
  const meta = document.querySelector('meta[name="csrf-token"]');
  const token = meta ? meta.content : "";
  const mode = form.dataset.mode;
  const total = parseInt(form.dataset.total, 10) || 0;
  let answered = parseInt(form.dataset.answeredCount, 10) || 0;
  const status = form.querySelector("[data-save-status]");
  const submitForm = document.getElementById("submit-form");
  let pending = Promise.resolve();
  let timer = null;
  let typing = null;
  let leaving = false;

  function say(text, isError) {
    if (!status) return;
    status.textContent = text || "";
    status.classList.toggle("error", Boolean(isError));
  }

  function updateProgress(data) {
    answered = data.answered;
    form.dataset.answeredCount = String(answered);
    document.querySelectorAll("[data-answered]").forEach((el) => { el.textContent = answered; });
    document.querySelectorAll("[data-progress]").forEach((el) => { el.value = answered; });
    const item = form.querySelector(`[data-map="${data.position}"]`);
    if (item) item.classList.toggle("answered", Boolean(data.answered_here));
  }

  function orderingIncomplete() {
    const places = Array.from(form.querySelectorAll(".order-place"));
    const filled = places.filter((el) => el.value !== "").length;
    return filled > 0 && filled < places.length;
  }

  // The attempt was handed in (another tab, device or the deadline): say so, stop saving and
  // go to the result.
  function handedIn(data) {
    leaving = true;
    clearTimeout(typing);
    clearInterval(timer);
    say(data.error, true);
    form.querySelectorAll("button, input, select, textarea").forEach((el) => {
      if (el.name !== "csrf_token") el.disabled = true;
    });
    window.location.assign(data.redirect || window.location.href);
  }

  // POST the question form as JSON-wanting fetch; resolves with the server's answer.
  function send() {
    const body = new FormData(form);
    return fetch(form.getAttribute("action"), {
      method: "POST", credentials: "same-origin", body,
      headers: { "Accept": "application/json", "X-CSRFToken": token },
    }).then((response) => response.json().then((data) => ({ ok: response.ok, data,
                                                              code: response.status })))
      .then(({ ok, data, code }) => {
        if (code === 409 || data.redirect) {  // 已交卷 or time is up: never retried,
          handedIn(data);                       // the result page says why
          return null;
        }
        if (!ok) { say(data.error || form.dataset.errorMessage, true); return null; }
        say(queued ? form.dataset.savingMessage : form.dataset.savedMessage);
        updateProgress(data);
        return data;
      })
      .catch(() => { say(form.dataset.offlineMessage, true); return null; });
  }

  // One save on the wire at a time, and at most one waiting behind it, which sends the form
  // as it is when its turn comes: two quick ticks can never reach the server in the wrong
  // order (the older state stored last). The form carries data-saving until all is sent.
  let wire = null;
  let queued = null;
  function save() {
    if (queued) return queued;
    if (wire) {
      say(form.dataset.savingMessage);
      queued = wire.then(() => { queued = null; return save(); });
      pending = pending.then(() => queued);
      return queued;
    }
    form.dataset.saving = "1";
    wire = send().then((data) => {
      wire = null;
      if (!queued) delete form.dataset.saving;
      return data;
    });
    pending = pending.then(() => wire);
    return wire;
  }

  function showGrade(data) {
    const slot = form.querySelector("[data-grade-slot]");
    if (slot && data.html) slot.innerHTML = data.html;
    form.querySelectorAll("input[name], select[name], textarea[name]").forEach((el) => {
      if (el.name !== "csrf_token" && el.name !== "position") el.disabled = true;
    });
    form.querySelectorAll("[data-move], [data-check]").forEach((el) => { el.hidden = true; });
    const next = form.querySelector("[data-next], [data-submit]");
    if (next) { next.classList.add("primary"); next.focus(); }
  }

  // Exam: every change is saved at once (typing: after a pause).
  function autosave(event) {
    if (mode !== "exam" || leaving) return;
    if (!event.target.name || event.target.name === "position") return;
    if (orderingIncomplete()) return;
    if (event.type === "input") {
      clearTimeout(typing);
      typing = setTimeout(save, 700);
      return;
    }
    clearTimeout(typing);
    save();
  }
  form.addEventListener("change", autosave);
  form.addEventListener("input", (event) => {
    if (event.target.matches("input[type=text], textarea")) autosave(event);
  });

  // Practice: 检查答案 saves and shows the grade under the question; the answer is then final.
  const check = form.querySelector("[data-check]");
  if (check) {
    check.addEventListener("click", (event) => {
      event.preventDefault();
      check.disabled = true;
      save().then((data) => {
        check.disabled = false;
        if (data && data.locked) showGrade(data);
        else if (data) say(form.dataset.chooseMessage, true);
      });
    });
  }

  // Ordering: ↑/↓ move an item and number every place from the top.
  function renumber(list) {
    list.querySelectorAll(".order-item").forEach((item, index) => {
      const select = item.querySelector(".order-place");
      if (select) select.value = String(index + 1);
    });
  }
  form.querySelectorAll("[data-move]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => {
      const item = button.closest(".order-item");
      const list = item.parentElement;
      if (button.dataset.move === "up" && item.previousElementSibling) {
        list.insertBefore(item, item.previousElementSibling);
      } else if (button.dataset.move === "down" && item.nextElementSibling) {
        list.insertBefore(item.nextElementSibling, item);
      }
      renumber(list);
      button.focus();
      if (mode === "exam") save();
    });
  });

  // 交卷: confirm (naming the unanswered questions), then post the submit form.
  function submitAttempt() {
    leaving = true;
    clearTimeout(typing);
    clearInterval(timer);
    pending.then(() => submitForm.submit(), () => submitForm.submit());
  }
  form.querySelectorAll("[data-submit]").forEach((button) => {
    button.addEventListener("click", (event) => {
      if (!submitForm) return;
      event.preventDefault();
      const flush = mode === "exam" && !orderingIncomplete() ? save() : pending;
      flush.then(() => {
        if (leaving) return;  // handed in meanwhile: on the way to the result
        const missing = total - answered;
        const question = missing > 0
          ? form.dataset.confirmMessage.replace("__N__", String(missing))
          : form.dataset.confirmAll;
        if (window.confirm(question)) submitAttempt();
      });
    });
  });

  // The countdown: the server's seconds left, counted on this device's clock; at zero the
  // attempt is submitted (the server enforces its deadline anyway).
  const clock = document.querySelector("[data-timer]");
  if (clock && submitForm) {
    const text = clock.querySelector("[data-timer-text]");
    const end = Date.now() + 1000 * (parseInt(clock.dataset.seconds, 10) || 0);
    const tick = () => {
      const left = Math.max(0, Math.round((end - Date.now()) / 1000));
      const minutes = Math.floor(left / 60);
      const seconds = String(left % 60).padStart(2, "0");
      text.textContent = `${minutes}:${seconds}`;
      clock.classList.toggle("urgent", left <= 60);
      if (left === 0 && !leaving) submitAttempt();
    };
    tick();
    timer = setInterval(tick, 1000);
  }
})();
