// Progressive enhancement for the chat: ask without a page load, announce once, move focus once.
// Any failure falls back to the normal form submit (the page works without this file).
(function () {
  "use strict";
  var form = document.getElementById("sporreskjema");
  var status = document.getElementById("status");
  var conversation = document.getElementById("samtale");
  var turn = 0;
  var LINKS = ["id", "for", "aria-describedby", "aria-labelledby", "data-target"];

  // Server-rendered answers use ids starting with "svar-"; give a turn its own prefix
  // ("svar3-") so several answers can live on one page.
  function renumber(root, prefix) {
    if (prefix === "svar") return;
    var elements = [root].concat(Array.prototype.slice.call(root.querySelectorAll("*")));
    elements.forEach(function (el) {
      LINKS.forEach(function (name) {
        var value = el.getAttribute(name);
        if (value) el.setAttribute(name, value.replace(/(^|\s)svar(?=-)/g, "$1" + prefix));
      });
      var href = el.getAttribute("href");
      if (href && href.indexOf("#svar-") === 0) el.setAttribute("href", "#" + prefix + href.slice(5));
    });
  }

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

  // "Var svaret nyttig?": post the form in place and swap in the block the server sends back.
  // The status element announces the thanks (or the error); focus goes to the comment field
  // after "Nei" or on an error, otherwise to the feedback block itself.
  function sendFeedback(feedbackForm, submitter) {
    var block = feedbackForm.closest(".feedback");
    var prefix = block.id.replace(/-nyttig$/, "");
    var body = new URLSearchParams(new FormData(feedbackForm));
    if (submitter && submitter.name) body.append(submitter.name, submitter.value);
    function plainSubmit() {
      feedbackForm.setAttribute("data-plain", "1");
      if (feedbackForm.requestSubmit) feedbackForm.requestSubmit(submitter || undefined);
      else feedbackForm.submit();
    }
    fetch(feedbackForm.action, {
      method: "POST",
      body: body,
      headers: { "X-Requested-With": "fetch", Accept: "text/html" },
      credentials: "same-origin"
    })
      .then(function (response) {
        if (!(response.ok || response.status === 422 || response.status === 429)) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector(".feedback");
        if (!fresh) throw new Error("no feedback block");
        renumber(fresh, prefix);
        var node = document.importNode(fresh, true);
        block.parentNode.replaceChild(node, block);
        var message = node.querySelector(".field-error") || node.querySelector(".feedback-done");
        if (status && message) status.textContent = message.textContent.trim();
        var target = node.querySelector("[aria-invalid='true'], textarea") || node;
        target.focus();
      })
      .catch(plainSubmit);
  }

  setupReadAloud(document);
  var summary = document.getElementById("feiloppsummering");
  if (summary) summary.focus();
  if (!status || !window.fetch || !window.DOMParser) return;

  document.addEventListener("submit", function (event) {
    var target = event.target;
    if (!target.classList || !target.classList.contains("feedback-form")) return;
    if (target.getAttribute("data-plain") || !window.URLSearchParams || !window.FormData) return;
    event.preventDefault();
    sendFeedback(target, event.submitter);
  });

  if (!form || !conversation) return;

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
        renumber(article, "svar" + turn);
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
