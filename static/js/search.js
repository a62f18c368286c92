// Search page niceties; the page works the same without them (the Apply and Sort buttons submit).
// Ticking a filter or choosing a sort order fetches the same page for the new choices and swaps in
// the results and the counts: nothing reloads, the focus stays where it was, the address is kept
// current, and a live region says how many clinics match.
// On a wide screen the filters start open beside the results.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-live-search]");
  if (!form) return;
  const announce = form.querySelector("[data-announce]");
  let pending = null;

  function addressOf(formData) {
    // FormData fires the "formdata" event below, which has left the empty fields out already.
    const query = new URLSearchParams(formData).toString();
    return form.action.split("?")[0] + (query ? "?" + query : "");
  }

  async function update() {
    if (pending) pending.abort();
    pending = new AbortController();
    form.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(addressOf(new FormData(form)), { signal: pending.signal });
      if (!response.ok) throw new Error(`search answered ${response.status}`);
      const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
      for (const part of fresh.querySelectorAll("[data-swap]")) {
        const old = document.querySelector(`[data-swap="${CSS.escape(part.dataset.swap)}"]`);
        if (old) old.innerHTML = part.innerHTML;
      }
      // Each option's count, found by its box; the boxes themselves stay, with the focus on one.
      for (const box of fresh.querySelectorAll(".facet input[type=checkbox]")) {
        const selector = `.facet input[name="${CSS.escape(box.name)}"][value="${CSS.escape(box.value)}"]`;
        const count = box.closest("label").querySelector(".facet__count");
        const old = form.querySelector(selector)?.closest("label").querySelector(".facet__count");
        if (count && old) old.innerHTML = count.innerHTML;
      }
      for (const input of fresh.querySelectorAll("[data-swap-value]")) {
        const old = document.querySelector(`[data-swap-value="${CSS.escape(input.dataset.swapValue)}"]`);
        if (old) old.value = input.value;
      }
      history.replaceState(null, "", response.url);
      const count = document.querySelector('[data-swap="count"]');
      if (announce && count) announce.textContent = count.textContent.trim();
      // For the map (static/js/map.js), which draws the new results' markers.
      form.dispatchEvent(new CustomEvent("search:updated", { bubbles: true }));
    } catch (error) {
      // Offline, say: the Apply button still submits the form the ordinary way.
      if (error.name !== "AbortError" && announce) {
        announce.textContent = "The results could not be updated. Choose Apply filters to search again.";
      }
    } finally {
      form.removeAttribute("aria-busy");
    }
  }

  form.addEventListener("change", (event) => {
    const target = event.target;
    if (target.form !== form) return;
    if (target.closest("details.filters") || target.id === "sort") update();
  });
  const sortButton = form.querySelector("[data-sort-button]");
  if (sortButton) sortButton.hidden = true;

  const filters = form.querySelector("details.filters");
  if (filters && window.matchMedia("(min-width: 64em)").matches) {
    filters.open = true;
  }
});

// Leave empty fields out of the address, so a shared search link stays short.
document.addEventListener("formdata", (event) => {
  if (!event.target.matches("form[data-live-search]")) return;
  for (const [name, value] of Array.from(event.formData.entries())) {
    if (value === "") event.formData.delete(name);
  }
});
