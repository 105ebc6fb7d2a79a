// Small behaviours that need no inline script (the pages carry no inline JavaScript).
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit")) {
    target.form.submit();
  }
});

// Drag and drop onto an upload form: the dropped files become the form's files.
document.querySelectorAll("[data-dropzone]").forEach((zone) => {
  const input = zone.querySelector("input[type=file]");
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("dragging");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    if (input && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      zone.requestSubmit();
    }
  });
});

// "Select all" boxes: <input type="checkbox" data-check-all="review"> ticks every box named
// "review" in the same form.
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLInputElement && target.hasAttribute("data-check-all")) {
    const name = target.getAttribute("data-check-all");
    const scope = target.form || document;
    scope.querySelectorAll(`input[type=checkbox][name="${name}"]`).forEach((box) => {
      box.checked = target.checked;
    });
  }
});

// Nothing typed is lost silently. A field edited and not yet saved (an autosaving form
// saves when the field is left; a refused or waiting entry comes back marked
// data-unsaved) makes leaving the page — a link, Back, closing the tab — ask first.
const edited = new Set();
document.addEventListener("input", (event) => {
  const form = event.target.form;
  // a search or filter form (GET) holds nothing to lose
  if (form && form.method.toLowerCase() === "post" && !form.hasAttribute("data-leave-freely")) {
    edited.add(form);
  }
});
document.addEventListener("submit", (event) => edited.delete(event.target));
document.addEventListener("htmx:afterRequest", (event) => {
  const form = event.detail.elt instanceof HTMLFormElement ? event.detail.elt : null;
  if (form && event.detail.successful) {
    edited.delete(form);
  }
});
window.addEventListener("beforeunload", (event) => {
  const pending =
    [...edited].some((form) => form.isConnected) ||
    document.querySelector("form[data-unsaved]") !== null;
  if (pending) {
    event.preventDefault();
    event.returnValue = "";
  }
});

// A list's print button: the page prints with its print layout (forms and actions hidden).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

// Keyboard, on the pages of items (scoring workspace, review): J / K move to the next /
// previous item, N to the next item still to do. Inside a field the keys type as usual.
function goToItem(key) {
  const items = [...document.querySelectorAll("[data-nav-item]")];
  const current = items.findIndex((el) => el.contains(document.activeElement));
  let next;
  if (key === "n") {
    next =
      items.slice(current + 1).find((el) => el.hasAttribute("data-todo")) ||
      items.find((el) => el.hasAttribute("data-todo"));
  } else {
    const step = key === "j" ? 1 : -1;
    next = items[Math.min(items.length - 1, Math.max(0, current + step))];
  }
  if (next) {
    next.setAttribute("tabindex", "-1");
    next.focus();
    next.scrollIntoView({ block: "center" });
  }
  return next;
}
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-next-todo]")) {
    goToItem("n");
  }
});
document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) {
    return;
  }
  if (event.target.closest("input, textarea, select, [contenteditable]")) {
    return;
  }
  const key = event.key.toLowerCase();
  if (!["j", "k", "n"].includes(key)) {
    return;
  }
  if (goToItem(key)) {
    event.preventDefault();
  }
});
