// The "new assignment" form: filter the list of people as one types (the page works without it).
document.querySelectorAll("input[data-filter]").forEach((box) => {
  const list = document.querySelector(box.getAttribute("data-filter"));
  if (!list) return;
  box.hidden = false;
  box.addEventListener("input", () => {
    const words = box.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    list.querySelectorAll("[data-search]").forEach((row) => {
      const text = row.getAttribute("data-search").toLowerCase();
      const checked = row.querySelector("input:checked");
      row.style.display = checked || words.every((word) => text.includes(word)) ? "" : "none";
    });
  });
});
// The SOP options only matter for an SOP module: hide them for anything else.
document.querySelectorAll("[data-sop-only]").forEach((box) => {
  // namedItem, not elements.item: HTMLFormControlsCollection.item is the collection's own method.
  const item = box.form ? box.form.elements.namedItem("item") : document.getElementById("item");
  if (!item) return;
  const show = () => { box.style.display = item.value.startsWith("sop:") ? "" : "none"; };
  item.addEventListener("change", show);
  show();
});
