// Small progressive enhancements; every page works without this file.
// Form properties (form.submit, form.action, form.elements.item …) are shadowed by controls of that
// name, so scripts call the prototype's methods and read attributes instead.
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.matches("select[data-autosubmit]") && el.form) HTMLFormElement.prototype.submit.call(el.form);
});
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) event.preventDefault();
});
