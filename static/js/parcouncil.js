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
