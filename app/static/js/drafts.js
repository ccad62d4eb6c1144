// Nothing typed is lost: every posted form with a text area (or data-keep-draft) keeps what
// is typed in this browser's localStorage as it changes, and offers it back when the form is
// shown again without it — after a session ran out, the connection dropped, the tab was
// closed or the phone killed the browser. A form whose post was answered with a success
// message forgets its draft; signing out forgets every draft of this browser (clinic phones
// are shared).
//
// Left alone: forms with data-no-draft (the quiz and the practice run save to the server
// themselves), forms with a password field, hidden fields, files and buttons.
// Drafts belong to the signed-in person (<body data-draft-user>) and to the page and form.
(() => {
  "use strict";
  const body = document.body;
  const user = body && body.dataset.draftUser;
  const PREFIX = "sopa-draft:";
  const SUBMITTED = "sopa-draft-submitted";
  const DELAY = 500;
  let store;
  try { store = window.localStorage; } catch (_error) { return; }
  if (!store) return;

  let signingOut = false;

  function forget(prefix) {
    for (let i = store.length - 1; i >= 0; i -= 1) {
      const key = store.key(i);
      if (key && key.startsWith(prefix)) store.removeItem(key);
    }
  }

  // Signing out (the header's form) forgets the drafts of every person on this browser.
  document.addEventListener("submit", (event) => {
    const action = event.target.getAttribute("action") || "";
    if (action.endsWith("/auth/logout")) { signingOut = true; forget(PREFIX); }
  }, true);
  // The page that answered a post: a draft is forgotten only when the server said it saved
  // (a success message); an answer with errors, an error page or the sign-in page (the
  // session ran out) keeps it.
  const submitted = window.sessionStorage.getItem(SUBMITTED);
  window.sessionStorage.removeItem(SUBMITTED);
  if (submitted && document.querySelector(".flash-success")) store.removeItem(submitted);
  if (!user) return;

  function kept(form) {
    if (form.hasAttribute("data-no-draft")) return false;
    if ((form.getAttribute("method") || "").toLowerCase() !== "post") return false;
    if (form.querySelector("input[type=password]")) return false;
    return form.hasAttribute("data-keep-draft") || !!form.querySelector("textarea");
  }

  function fields(form) {
    return Array.from(form.elements).filter((el) => el.name && el.name !== "csrf_token"
      && !el.disabled && !["hidden", "password", "file", "submit", "button", "reset", "image"]
        .includes(el.type) && el.tagName !== "BUTTON" && el.tagName !== "FIELDSET");
  }

  function values(form) {
    return fields(form).map((el) => {
      if (el.type === "checkbox" || el.type === "radio") return [el.name, el.checked];
      if (el.tagName === "SELECT" && el.multiple) {
        return [el.name, Array.from(el.selectedOptions).map((o) => o.value)];
      }
      return [el.name, el.value];
    });
  }

  function apply(form, saved) {
    fields(form).forEach((el, i) => {
      const pair = saved[i];
      if (!pair || pair[0] !== el.name) return;
      const value = pair[1];
      if (el.type === "checkbox" || el.type === "radio") el.checked = !!value;
      else if (el.tagName === "SELECT" && el.multiple) {
        Array.from(el.options).forEach((o) => { o.selected = value.includes(o.value); });
      } else el.value = value;
      el.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

  function read(key) {
    try { return JSON.parse(store.getItem(key) || "null"); } catch (_error) { return null; }
  }

  function write(key, draft) {
    if (signingOut) return;  // a field left on the way out (change on blur) is not kept
    try { store.setItem(key, JSON.stringify(draft)); } catch (_error) { /* full: skip */ }
  }

  function notice(form, key, draft, shown) {
    const box = document.createElement("p");
    box.className = "notice draft-notice";
    box.setAttribute("role", "status");
    box.setAttribute("data-testid", "draft-restored");
    const when = new Date(draft.at).toLocaleString();
    const changed = !same(draft.base, shown);
    box.textContent = `${body.dataset.draftRestored || ""} ${when}`
      + (changed ? ` ${body.dataset.draftChanged || ""}` : "") + " ";
    const discard = document.createElement("button");
    discard.type = "button";
    discard.className = "link-button";
    discard.setAttribute("data-testid", "draft-discard");
    discard.textContent = body.dataset.draftDiscard || "×";
    discard.addEventListener("click", () => {
      apply(form, shown);
      store.removeItem(key);
      box.remove();
    });
    box.appendChild(discard);
    form.insertBefore(box, form.firstChild);
    const folded = form.closest("details");
    if (folded) folded.open = true;  // a folded form (e.g. 修正数字) shows what came back
  }

  const where = window.location.pathname + window.location.search;

  Array.from(document.forms).filter(kept).forEach((form, index) => {
    const key = `${PREFIX}${user}:${where}:${form.getAttribute("action") || ""}:${index}`;
    const shown = values(form);
    const draft = read(key);
    // Just sent and shown again (with its errors): the page shows what was sent, which is
    // not saved yet, so the draft stays as it is.
    if (draft && key !== submitted) {
      if (same(draft.values, shown)) store.removeItem(key);
      else { apply(form, draft.values); notice(form, key, draft, shown); }
    }
    const base = (read(key) || {}).base || shown;
    let timer = null;
    const save = () => {
      timer = null;
      const now = values(form);
      if (same(now, base)) store.removeItem(key);
      else write(key, { at: Date.now(), values: now, base });
    };
    const flush = () => { if (timer) { window.clearTimeout(timer); save(); } };
    const later = () => { if (timer) window.clearTimeout(timer); timer = window.setTimeout(save, DELAY); };
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    form.addEventListener("submit", () => {
      flush();
      window.sessionStorage.setItem(SUBMITTED, key);
    });
    window.addEventListener("pagehide", flush);
  });
})();
