/* Statistics page: draws the charts from the data the page passes with json_script
   (#statistiques-graphiques). Each chart is followed by its data table in the page, which is
   the accessible alternative; the canvas has role="img" and a label. No inline script (CSP). */
(function () {
  "use strict";

  var COULEURS = [
    "#000091", "#e1000f", "#18753c", "#b34000", "#6a6af4", "#009081", "#a558a0",
    "#c3992a", "#417dc4", "#ce614a", "#5e2a2b", "#66673d", "#169b62", "#7d4e5b",
  ];

  function nombre(valeur) {
    return new Intl.NumberFormat("fr-FR").format(valeur);
  }

  function configuration(graphique) {
    var type = graphique.type;
    var datasets = graphique.series.map(function (serie, index) {
      var dataset = { label: serie.label, data: serie.data };
      if (type === "doughnut") {
        dataset.backgroundColor = serie.data.map(function (_v, i) { return COULEURS[i % COULEURS.length]; });
      } else if (type === "line") {
        dataset.borderColor = COULEURS[index % COULEURS.length];
        dataset.backgroundColor = COULEURS[index % COULEURS.length];
        dataset.tension = 0.2;
      } else {
        dataset.backgroundColor = COULEURS[index % COULEURS.length];
      }
      return dataset;
    });
    var options = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      locale: "fr-FR",
      plugins: {
        legend: { display: type !== "bar" || datasets.length > 1, position: type === "doughnut" ? "right" : "top" },
        tooltip: {
          callbacks: {
            label: function (context) {
              var valeur = context.parsed && typeof context.parsed === "object" ? (type === "bar" ? context.parsed.x : context.parsed.y) : context.parsed;
              return (context.dataset.label ? context.dataset.label + " : " : "") + nombre(valeur);
            },
          },
        },
      },
    };
    if (type === "bar") {
      options.indexAxis = "y";
      options.scales = { x: { beginAtZero: true, ticks: { precision: 0 } } };
    } else if (type === "line") {
      options.scales = { y: { beginAtZero: true, ticks: { precision: 0 } } };
    }
    return { type: type, data: { labels: graphique.labels, datasets: datasets }, options: options };
  }

  function dessiner() {
    var source = document.getElementById("statistiques-graphiques");
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var graphiques = JSON.parse(source.textContent);
    graphiques.forEach(function (graphique) {
      var canvas = document.getElementById("graphique-" + graphique.cle);
      if (!canvas) {
        return;
      }
      if (graphique.type === "bar") {
        // Horizontal bars: room for every label.
        canvas.parentNode.style.height = Math.max(160, 28 * graphique.labels.length + 40) + "px";
      }
      new window.Chart(canvas, configuration(graphique));
      canvas.setAttribute("data-dessine", "oui");
    });
    document.documentElement.setAttribute("data-statistiques-graphiques", String(graphiques.length));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", dessiner);
  } else {
    dessiner();
  }
})();
