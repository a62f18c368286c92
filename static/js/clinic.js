// Clinic page: a link to a folded-away form (data-opens names its <details>) opens it in place,
// and so does arriving with a fragment that names it or its section (/clinics/x/#report). Without
// JavaScript the link leads to the form's own page.
function openDetails(id) {
  const target = id && document.getElementById(id);
  const details = target && (target.matches("details") ? target : target.querySelector("details"));
  if (!details) return false;
  details.open = true;
  (details.closest("section") || details).scrollIntoView({ block: "start" });
  details.querySelector("summary").focus({ preventScroll: true });
  return true;
}

document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-opens]");
  if (link && openDetails(link.dataset.opens)) {
    event.preventDefault();
    history.replaceState(null, "", `#${link.dataset.opens}`);
  }
});

document.addEventListener("DOMContentLoaded", () => openDetails(location.hash.slice(1)));
window.addEventListener("hashchange", () => openDetails(location.hash.slice(1)));
