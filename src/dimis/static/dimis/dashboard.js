// Trend charts of the dashboard: one request for every indicator's series, drawn with Chart.js.
(function () {
  "use strict";
  const panels = document.getElementById("panels");
  document.querySelectorAll("[data-show]").forEach((button) => {
    button.addEventListener("click", () => {
      document.querySelectorAll(button.dataset.show).forEach((row) => row.classList.remove("d-none"));
      button.remove();
    });
  });
  if (!panels || typeof Chart === "undefined") return;
  const canvases = panels.querySelectorAll("canvas[data-indicator]");
  if (!canvases.length) return;
  fetch(panels.dataset.trendUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
    .then((series) => {
      canvases.forEach((canvas) => {
        const data = series[canvas.dataset.indicator];
        if (!data) return;
        new Chart(canvas, {
          type: "bar",
          data: {
            labels: data.labels,
            datasets: [
              { type: "bar", label: panels.dataset.labelActual, data: data.actual, backgroundColor: "rgba(13,110,253,0.6)" },
              { type: "line", label: panels.dataset.labelTarget, data: data.target, borderColor: "#dc3545", pointRadius: 2, spanGaps: true, fill: false },
            ],
          },
          options: {
            responsive: true,
            maintainAspectRatio: false,
            animation: false,
            plugins: { legend: { display: true, position: "bottom", labels: { boxWidth: 10 } } },
            scales: { x: { ticks: { maxRotation: 0, autoSkip: true } }, y: { beginAtZero: true } },
          },
        });
      });
    })
    .catch(() => {
      canvases.forEach((canvas) => canvas.closest("div").classList.add("d-none"));
    });
})();
