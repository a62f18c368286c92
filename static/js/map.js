// Maps drawn with Leaflet (static/vendor/leaflet): the clinics of a page of search results, and one
// clinic on its own page. Everything they show comes from data- attributes in the page's HTML (the
// Content-Security-Policy forbids inline scripts), so a cached page carries its own map. Without
// JavaScript the maps stay hidden: the search page is the list and the clinic page has its address.
// Leaflet itself is fetched only when a map is about to be shown, so a phone that never opens the
// map never downloads it.
(() => {
  "use strict";

  const ASSETS = document.currentScript.dataset;
  let leaflet = null;

  function loadLeaflet() {
    leaflet ??= Promise.all([
      new Promise((resolve, reject) => {
        const style = Object.assign(document.createElement("link"), { rel: "stylesheet", href: ASSETS.leafletCss });
        style.addEventListener("load", resolve);
        style.addEventListener("error", reject);
        document.head.append(style);
      }),
      new Promise((resolve, reject) => {
        const script = Object.assign(document.createElement("script"), { src: ASSETS.leafletJs });
        script.addEventListener("load", resolve);
        script.addEventListener("error", reject);
        document.head.append(script);
      }),
    ]);
    return leaflet;
  }

  const WIDE = window.matchMedia("(min-width: 64em)");
  const REDUCED_MOTION = window.matchMedia("(prefers-reduced-motion: reduce)");

  // A wheel over a map, or one finger on a phone's, scrolls the page as it does everywhere else on
  // it; the buttons and two fingers zoom and move the map.
  const GESTURES = { scrollWheelZoom: false, dragging: !window.matchMedia("(pointer: coarse)").matches };

  function tiles(element) {
    return L.tileLayer(element.dataset.tilesUrl, {
      attribution: element.dataset.tilesAttribution,
      maxZoom: 19,
      // The tile host learns which site asks (its usage policy wants that), never which search.
      referrerPolicy: "strict-origin",
    });
  }

  function pin() {
    return L.divIcon({ className: "map-pin", iconSize: [26, 30], iconAnchor: [13, 29], tooltipAnchor: [0, -28] });
  }

  // --- search results -------------------------------------------------------------------------

  // One marker per clinic card in the results; a marker shows its card, a card lights up its marker.
  function resultsMap(container) {
    const column = container.parentElement;
    const toggle = container.querySelector(".results-map__toggle");
    const box = container.querySelector(".results-map__map");
    const markers = new Map(); // card -> marker
    let map = null;
    let drawn = "";

    container.hidden = false;
    container.classList.add("is-ready");
    column.classList.add("has-map");

    const cards = () => Array.from(column.querySelectorAll(".clinic-card[data-lat][data-lng]"));
    const shown = () => WIDE.matches || toggle.getAttribute("aria-expanded") === "true";

    function draw() {
      if (!shown()) return;
      if (!window.L) {
        loadLeaflet().then(draw);
        return;
      }
      if (!map) {
        map = L.map(box, GESTURES);
        tiles(container).addTo(map);
      }
      map.invalidateSize();
      const current = cards();
      const signature = current.map((card) => `${card.dataset.lat},${card.dataset.lng},${link(card).href}`).join(" ");
      if (signature === drawn || current.length === 0) return;
      drawn = signature;
      markers.forEach((marker) => marker.remove());
      markers.clear();
      // The view first: Leaflet draws a marker's element only on a map that has one.
      const places = current.map((card) => [parseFloat(card.dataset.lat), parseFloat(card.dataset.lng)]);
      map.fitBounds(L.latLngBounds(places), { padding: [30, 30], maxZoom: 13 });
      current.forEach((card, index) => {
        const name = link(card).textContent.trim();
        const marker = L.marker(places[index], {
          icon: pin(),
          title: name,
          riseOnHover: true,
          // Out of the tab order: twenty markers would stand between the sort field and the list that
          // holds the same clinics. Focusing a card lights up its marker instead.
          keyboard: false,
        });
        marker.bindTooltip(name, { direction: "top" });
        marker.on("click", () => select(card));
        marker.addTo(map);
        markers.set(card, marker);
      });
    }

    function select(card) {
      column.querySelectorAll(".clinic-card.is-selected").forEach((other) => other.classList.remove("is-selected"));
      card.classList.add("is-selected");
      card.scrollIntoView({ block: "center", behavior: REDUCED_MOTION.matches ? "auto" : "smooth" });
      link(card).focus({ preventScroll: true });
    }

    function light(event, on) {
      const card = event.target.closest && event.target.closest(".clinic-card");
      const marker = card && markers.get(card);
      if (!marker || !marker.getElement()) return;
      if (!on && card.contains(event.relatedTarget)) return; // moving within the card
      marker.getElement().classList.toggle("is-highlighted", on);
      marker.setZIndexOffset(on ? 1000 : 0);
    }

    column.addEventListener("pointerover", (event) => light(event, true));
    column.addEventListener("pointerout", (event) => light(event, false));
    column.addEventListener("focusin", (event) => light(event, true));
    column.addEventListener("focusout", (event) => light(event, false));

    toggle.addEventListener("click", () => {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      container.classList.toggle("is-open", open);
      draw();
    });
    WIDE.addEventListener("change", draw);
    draw();
    return draw;
  }

  function link(card) {
    return card.querySelector(".card__title a") || card.querySelector("a");
  }

  // --- one clinic ---------------------------------------------------------------------------------

  function clinicMap(box) {
    const at = [parseFloat(box.dataset.lat), parseFloat(box.dataset.lng)];
    const map = L.map(box, GESTURES).setView(at, 14);
    tiles(box).addTo(map);
    L.marker(at, { icon: pin(), title: box.dataset.name, keyboard: false }).addTo(map);
  }

  // --- start, and follow results replaced in place -------------------------------------------------

  let drawings = []; // [container, its redraw function]

  function start() {
    drawings = drawings.filter(([container]) => container.isConnected);
    document.querySelectorAll("[data-results-map]:not(.is-ready)").forEach((container) => {
      drawings.push([container, resultsMap(container)]);
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    start();
    // The clinic's map is drawn once it comes near the screen, so a phone loads no tiles it never shows.
    const clinicMaps = document.querySelectorAll("[data-clinic-map]");
    const near = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          if (!entry.isIntersecting) continue;
          near.unobserve(entry.target);
          loadLeaflet().then(() => clinicMap(entry.target));
        }
      },
      { rootMargin: "200px" },
    );
    clinicMaps.forEach((box) => {
      box.hidden = false;
      near.observe(box);
    });

    // Results the search page swaps in place (static/js/search.js) get their markers redrawn (or a new map).
    document.addEventListener("search:updated", () => {
      start();
      drawings.forEach(([, redraw]) => redraw());
    });
  });
})();
