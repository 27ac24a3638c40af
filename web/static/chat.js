// Progressive enhancement for the chat: ask without a page load, announce once, move focus once,
// Enter sends. The conversation travels in the form's hidden fields, as it does without this
// file (the page works without it); a failed send keeps the question in the field.
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

  var field = document.getElementById("sporsmal");
  var carried = document.getElementById("samtale-felt");
  var maxTurns = parseInt(form.getAttribute("data-max-turns"), 10) || 10;
  var budget = parseInt(form.getAttribute("data-history-budget"), 10) || 4000;
  var busy = false;

  // The conversation so far, as the page's hidden fields carry it: [{q, c}] oldest first,
  // where c is the answer's cited passage ids, space-separated. Nothing is stored elsewhere.
  function readHistory() {
    var questions = carried.querySelectorAll("input[name='tidligere']");
    var sources = carried.querySelectorAll("input[name='kilder']");
    var turns = [];
    for (var i = 0; i < questions.length; i += 1) {
      turns.push({ q: questions[i].value, c: sources[i] ? sources[i].value : "" });
    }
    return turns;
  }

  function historyQuery(turns) {
    return turns.map(function (t) {
      return "tidligere=" + encodeURIComponent(t.q) + "&kilder=" + encodeURIComponent(t.c);
    }).join("&");
  }

  // The latest turns, within the same bounds the server keeps (web/pages.py).
  function fit(turns) {
    turns = turns.slice(-maxTurns);
    while (turns.length > 1 && historyQuery(turns).length > budget) turns.shift();
    return turns;
  }

  function writeHistory(turns) {
    while (carried.firstChild) carried.removeChild(carried.firstChild);
    turns.forEach(function (t) {
      [["tidligere", t.q], ["kilder", t.c]].forEach(function (pair) {
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = pair[0];
        input.value = pair[1];
        carried.appendChild(input);
      });
    });
  }

  function pageUrl(turns, question, lang) {
    var earlier = historyQuery(turns);
    return "/?" + (earlier ? earlier + "&" : "") + "q=" + encodeURIComponent(question) +
      "&lang=" + encodeURIComponent(lang);
  }

  // A failed send: the text stays in the field, the reason is shown next to it and announced.
  function showError(message) {
    var error = document.getElementById("sporsmal-feil");
    if (!error) {
      error = document.createElement("p");
      error.className = "field-error";
      error.id = "sporsmal-feil";
      field.parentNode.insertBefore(error, field);
      field.setAttribute("aria-describedby", field.getAttribute("aria-describedby") + " sporsmal-feil");
    }
    error.textContent = "";
    var prefix = document.createElement("span");
    prefix.className = "visually-hidden";
    prefix.textContent = status.getAttribute("data-error-prefix");
    error.appendChild(prefix);
    error.appendChild(document.createTextNode(" " + message));
    field.setAttribute("aria-invalid", "true");
    status.textContent = message;
    field.focus();
  }

  function clearError() {
    var error = document.getElementById("sporsmal-feil");
    if (error) error.parentNode.removeChild(error);
    field.removeAttribute("aria-invalid");
    var described = (field.getAttribute("aria-describedby") || "").replace(/\s*sporsmal-feil/g, "");
    field.setAttribute("aria-describedby", described);
  }

  // Enter sends, Shift+Enter makes a new line (the hint under the field says so).
  var keysHint = document.getElementById("sporsmal-taster");
  if (keysHint) {
    keysHint.hidden = false;
    field.setAttribute("aria-describedby", field.getAttribute("aria-describedby") + " sporsmal-taster");
  }
  field.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    var button = form.querySelector("button[type='submit']");
    if (button) button.click();
  });

  form.addEventListener("submit", function (event) {
    var question = field.value.trim();
    var max = parseInt(field.getAttribute("data-max"), 10) || 500;
    if (!question || question.length > max) return; // the server shows the error summary
    event.preventDefault();
    if (busy) return;
    busy = true;
    turn += 1;
    status.textContent = status.getAttribute("data-searching");
    var lang = document.documentElement.lang;
    var before = fit(readHistory()); // the turns before this question
    var earlier = historyQuery(before);
    var url = "/svar?" + (earlier ? earlier + "&" : "") + "q=" + encodeURIComponent(question) +
      "&lang=" + encodeURIComponent(lang);
    fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          var failure = new Error("HTTP " + response.status);
          failure.status = response.status;
          throw failure;
        }
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
        clearError();
        field.value = "";
        busy = false;
        writeHistory(fit(before.concat([{ q: question, c: node.getAttribute("data-citations") || "" }])));
        status.textContent = status.getAttribute("data-ready");
        var heading = node.querySelector(".answer-heading");
        if (heading) heading.focus();
        if (window.history && window.history.replaceState) {
          window.history.replaceState(null, "", pageUrl(before, question, lang));
        }
      })
      .catch(function (failure) {
        busy = false;
        showError(status.getAttribute(failure && failure.status === 429 ? "data-rate-limited" : "data-error"));
      });
  });
})();
