// Progressive enhancement for the chat: ask without a page load, announce once, move focus once.
// Any failure falls back to the normal form submit (the page works without this file).
(function () {
  "use strict";
  var form = document.getElementById("sporreskjema");
  var status = document.getElementById("status");
  var conversation = document.getElementById("samtale");
  var turn = 0;

  function setupReadAloud(root) {
    if (!("speechSynthesis" in window)) return;
    var buttons = root.querySelectorAll(".read-aloud");
    Array.prototype.forEach.call(buttons, function (button) {
      var label = button.textContent;
      button.hidden = false;
      button.addEventListener("click", function () {
        if (window.speechSynthesis.speaking) {
          window.speechSynthesis.cancel();
          button.textContent = label;
          return;
        }
        var target = document.getElementById(button.getAttribute("data-target"));
        if (!target) return;
        var utterance = new SpeechSynthesisUtterance(target.innerText.replace(/\[\d+\]/g, ""));
        utterance.lang = document.documentElement.lang === "nn" ? "nn-NO" : "nb-NO";
        utterance.onend = function () { button.textContent = label; };
        button.textContent = button.getAttribute("data-label-stop");
        window.speechSynthesis.speak(utterance);
      });
    });
  }

  setupReadAloud(document);
  var summary = document.getElementById("feiloppsummering");
  if (summary) summary.focus();
  if (!form || !status || !conversation || !window.fetch || !window.DOMParser) return;

  form.addEventListener("submit", function (event) {
    var field = document.getElementById("sporsmal");
    var question = field.value.trim();
    var max = parseInt(field.getAttribute("data-max"), 10) || 500;
    if (!question || question.length > max) return; // the server shows the error summary
    event.preventDefault();
    turn += 1;
    status.textContent = status.getAttribute("data-searching");
    var lang = document.documentElement.lang;
    var url = "/svar?q=" + encodeURIComponent(question) + "&lang=" + encodeURIComponent(lang);
    fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var article = doc.querySelector("article.turn");
        if (!article) throw new Error("no answer");
        // Give this turn's ids a unique prefix so several answers can live on one page.
        var prefix = "svar" + turn;
        Array.prototype.forEach.call(article.querySelectorAll("[id]"), function (el) {
          el.id = el.id.replace(/^svar/, prefix);
        });
        Array.prototype.forEach.call(article.querySelectorAll("[href^='#svar'], [data-target]"), function (el) {
          if (el.hasAttribute("href")) el.setAttribute("href", el.getAttribute("href").replace(/^#svar/, "#" + prefix));
          if (el.hasAttribute("data-target")) el.setAttribute("data-target", el.getAttribute("data-target").replace(/^svar/, prefix));
        });
        article.setAttribute("aria-labelledby", prefix + "-tittel");
        var node = document.importNode(article, true);
        conversation.appendChild(node);
        setupReadAloud(node);
        field.value = "";
        status.textContent = status.getAttribute("data-ready");
        var heading = node.querySelector(".answer-heading");
        if (heading) heading.focus();
        if (window.history && window.history.replaceState) {
          window.history.replaceState(null, "", "/?q=" + encodeURIComponent(question) + "&lang=" + encodeURIComponent(lang));
        }
      })
      .catch(function () {
        status.textContent = status.getAttribute("data-error");
        form.submit();
      });
  });
})();
