// The console's "More" link: fetch the next page of rows (the same URL a click would open)
// and append them to the table in place, then point the link at the page after. Without
// JavaScript the link opens that page. (No inline script: the CSP allows only this file.)
"use strict";

function showMore(event) {
  const link = event.currentTarget;
  event.preventDefault();
  link.setAttribute("aria-busy", "true");
  fetch(link.href, { headers: { Accept: "text/html" } })
    .then((resp) => resp.text().then((text) => ({ ok: resp.ok, text })))
    .then(({ ok, text }) => {
      const page = new DOMParser().parseFromString(text, "text/html");
      const rows = page.querySelectorAll("table.results tbody tr");
      const body = document.querySelector("table.results tbody");
      if (!ok || !body) {
        window.location.href = link.href;
        return;
      }
      rows.forEach((row) => body.appendChild(document.importNode(row, true)));
      const shown = document.getElementById("shown");
      if (shown) {
        const first = Number(shown.dataset.first);
        shown.textContent = "showing rows " + (first + 1) + "\u2013" + (first + body.rows.length);
      }
      const next = page.getElementById("more");
      if (next) {
        link.setAttribute("href", next.getAttribute("href"));
        link.textContent = next.textContent;
        link.removeAttribute("aria-busy");
      } else {
        link.parentNode.remove();
      }
    })
    .catch(() => { window.location.href = link.href; });
}

document.addEventListener("DOMContentLoaded", () => {
  const more = document.getElementById("more");
  if (more) {
    more.addEventListener("click", showMore);
  }
});
