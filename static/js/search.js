// Search page niceties; the page works the same without them.
// Choosing a filter or a sort order submits the form, so there is no button to find.
// On a wide screen the filters start open beside the results.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-auto-submit]");
  if (!form) return;
  form.addEventListener("change", (event) => {
    const target = event.target;
    // Compare boxes belong to the compare form (their form="" attribute), not to the search.
    if (target.form === form && target.matches("input[type=checkbox], select")) {
      form.requestSubmit();
    }
  });
  const filters = form.querySelector("details.filters");
  if (filters && window.matchMedia("(min-width: 64em)").matches) {
    filters.open = true;
  }
});

// Leave empty fields out of the address, so a shared search link stays short.
document.addEventListener("formdata", (event) => {
  if (!event.target.matches("form[data-auto-submit]")) return;
  for (const [name, value] of Array.from(event.formData.entries())) {
    if (value === "") event.formData.delete(name);
  }
});
