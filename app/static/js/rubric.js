// 阅卷: ticking rubric points suggests the score. Every rubric point weighs the same
// (the question's points / the number of rubric points, as grading_queue.rubric_suggestion
// computes on the server); the sum of the ticked ones is filled into the points field as a
// suggestion. Once the grader types another number, ticking no longer overwrites it.
// Without this file an empty points field is filled with the same sum when the form is saved.
(() => {
  "use strict";

  function watch(form) {
    const points = form.querySelector("input[name=points]");
    const shown = form.querySelector("[data-rubric-suggested]");
    const boxes = Array.from(form.querySelectorAll("input[type=checkbox][name=rubric]"));
    const max = Number(form.dataset.rubricMax);
    if (!points || !boxes.length || !(max >= 0)) return;
    const sum = () => {
      const met = boxes.filter((box) => box.checked).length;
      return String(Math.round((max * met * 100) / boxes.length) / 100);
    };
    // A saved score that is not the rubric's sum was typed by a grader: ticking keeps it.
    let suggested = points.value.trim() === "" ? null : sum();
    const suggest = () => {
      const text = sum();
      const typed = points.value.trim();
      const untouched = typed === "" || (suggested !== null && Number(typed) === Number(suggested));
      if (untouched) points.value = text;
      suggested = text;
      if (shown) {
        shown.textContent = text;
        shown.closest("[data-rubric-hint]").hidden = false;
      }
    };
    if (points.value.trim() === "" && boxes.some((box) => box.checked)) suggest();
    boxes.forEach((box) => box.addEventListener("change", suggest));
  }

  document.querySelectorAll("form[data-rubric-max]").forEach(watch);
})();
