/* The patient check-in: one instrument at a time, visual-analogue lines, and a submission
   that survives a lost connection. Without this script the form still works on one page.

   Answers in progress are kept in the tab's sessionStorage under the visit link (never in
   the address), so a reload after a dropped connection shows them again; they are removed
   once the clinic has them (on a successful send, and on the thank-you and already-sent
   pages), and opening another check-in link in the tab removes those of any earlier one. */
(function () {
  "use strict";
  var PREFIX = "alliance-checkin:";
  var key = PREFIX + window.location.pathname;

  function storage() {
    try { return window.sessionStorage; } catch (error) { return null; }
  }

  function forget(keep) {
    var saved = storage();
    if (!saved) { return; }
    for (var i = saved.length - 1; i >= 0; i--) {
      var name = saved.key(i);
      if (name && name.indexOf(PREFIX) === 0 && name !== keep) { saved.removeItem(name); }
    }
  }

  var form = document.getElementById("checkin-form");
  if (!form) {
    if (document.querySelector("[data-checkin-done]")) { forget(null); }
    return;
  }
  forget(key);
  document.documentElement.classList.add("js");
  form.noValidate = true;

  var steps = Array.prototype.slice.call(form.querySelectorAll("[data-step]"));
  var back = form.querySelector("[data-back]");
  var next = form.querySelector("[data-next]");
  var send = form.querySelector("[data-send]");
  var status = document.getElementById("send-status");
  var progressText = document.getElementById("progress-text");
  var bar = form.querySelector(".progress-bar span");
  var current = 0;
  var ready = false;

  function inputsNamed(name) {
    return Array.prototype.filter.call(form.querySelectorAll("input"), function (input) {
      return input.name === name;
    });
  }

  /* What the patient has answered so far, and which part they are on. */
  function remember() {
    var saved = storage();
    if (!ready || !saved) { return; }
    var answers = {};
    Array.prototype.forEach.call(form.querySelectorAll("[data-question] input"), function (input) {
      if (input.type === "radio" ? input.checked : input.value !== "") {
        answers[input.name] = input.value;
      }
    });
    try {
      saved.setItem(key, JSON.stringify({ answers: answers, step: current }));
    } catch (error) { /* storage full or refused: the answers stay on screen all the same */ }
  }

  /* Put back the answers kept for this link, where the page does not already hold one (after
     a refused send the server shows what was sent); give the part the patient was on. */
  function restore() {
    var saved = storage();
    var kept = null;
    try { kept = saved ? JSON.parse(saved.getItem(key) || "null") : null; } catch (error) { kept = null; }
    if (!kept || typeof kept.answers !== "object" || kept.answers === null) { return 0; }
    Object.keys(kept.answers).forEach(function (name) {
      var value = String(kept.answers[name]);
      var inputs = inputsNamed(name);
      var answered = inputs.some(function (input) {
        return input.type === "radio" ? input.checked : input.value !== "";
      });
      if (answered) { return; }
      inputs.forEach(function (input) {
        if (input.type === "radio") { input.checked = input.value === value; }
        else { input.value = value; }
      });
    });
    return typeof kept.step === "number" ? kept.step : 0;
  }
  var keptStep = restore();

  function decimals(step) {
    var text = String(step);
    return text.indexOf(".") < 0 ? 0 : text.length - text.indexOf(".") - 1;
  }

  /* A visual-analogue line over a number input: pointer, touch and keyboard set the value,
     and the slider role announces it. The input keeps the value the form sends. */
  function makeLine(box) {
    var input = box.querySelector("input");
    var min = parseFloat(input.min), max = parseFloat(input.max), step = parseFloat(input.step) || 1;
    var places = decimals(step);
    var label = document.getElementById(input.id + "-label");
    var ends = document.getElementById(input.id + "-ends");
    var track = document.createElement("div");
    track.className = "vas-track";
    track.tabIndex = 0;
    track.setAttribute("role", "slider");
    track.setAttribute("aria-valuemin", String(min));
    track.setAttribute("aria-valuemax", String(max));
    if (label) { track.setAttribute("aria-labelledby", label.id); }
    if (ends) { track.setAttribute("aria-describedby", ends.id); }
    track.innerHTML = '<span class="tick end-low"></span><span class="tick end-high"></span><span class="vas-thumb"></span>';
    var shown = document.createElement("p");
    shown.className = "vas-value";
    shown.setAttribute("aria-hidden", "true");
    input.hidden = true;
    box.insertBefore(track, input);
    box.insertBefore(shown, input);
    var thumb = track.querySelector(".vas-thumb");
    if (label) { label.addEventListener("click", function () { track.focus(); }); }

    function format(value) {
      return Number(value).toLocaleString(document.documentElement.lang, {
        minimumFractionDigits: places, maximumFractionDigits: places });
    }
    function set(value) {
      value = Math.min(max, Math.max(min, Math.round((value - min) / step) * step + min));
      value = Number(value.toFixed(places));
      input.value = String(value);
      track.classList.add("set");
      thumb.style.left = ((value - min) / (max - min) * 100) + "%";
      track.setAttribute("aria-valuenow", String(value));
      track.setAttribute("aria-valuetext", format(value));
      shown.textContent = format(value);
      box.closest("[data-question]").classList.remove("invalid");
      remember();
    }
    function fromPointer(event) {
      var rect = track.getBoundingClientRect();
      set(min + (event.clientX - rect.left) / rect.width * (max - min));
    }
    track.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      track.focus();
      track.setPointerCapture(event.pointerId);
      fromPointer(event);
    });
    track.addEventListener("pointermove", function (event) {
      if (track.hasPointerCapture(event.pointerId)) { fromPointer(event); }
    });
    track.addEventListener("keydown", function (event) {
      var value = input.value === "" ? (min + max) / 2 : parseFloat(input.value);
      var big = (max - min) / 10;
      var moves = { ArrowRight: step, ArrowUp: step, ArrowLeft: -step, ArrowDown: -step,
                    PageUp: big, PageDown: -big };
      if (event.key in moves) { set(input.value === "" ? value : value + moves[event.key]); }
      else if (event.key === "Home") { set(min); }
      else if (event.key === "End") { set(max); }
      else { return; }
      event.preventDefault();
    });
    if (input.value !== "") { set(parseFloat(input.value)); }
    else { track.setAttribute("aria-valuetext", box.getAttribute("data-unset")); }
  }
  Array.prototype.forEach.call(form.querySelectorAll("[data-vas]"), makeLine);

  function missingIn(step) {
    return Array.prototype.filter.call(step.querySelectorAll("[data-question]"), function (question) {
      return !Array.prototype.some.call(question.querySelectorAll("input"), function (input) {
        return input.type === "radio" ? input.checked : input.value !== "";
      });
    });
  }

  function unanswered(step) {
    var missing = missingIn(step);
    Array.prototype.forEach.call(step.querySelectorAll("[data-question]"), function (question) {
      question.classList.toggle("invalid", missing.indexOf(question) >= 0);
    });
    return missing;
  }

  function say(message, isError) {
    status.hidden = !message;
    status.textContent = message || "";
    status.classList.toggle("error", Boolean(isError));
  }

  function firstControl(question) {
    return question.querySelector(".vas-track") || question.querySelector("input");
  }

  function show(index, moveFocus) {
    current = index;
    steps.forEach(function (step, i) { step.hidden = i !== index; });
    var last = index === steps.length - 1;
    back.hidden = index === 0;
    next.hidden = last;
    send.hidden = !last;
    var text = form.getAttribute("data-progress")
      .replace("%(n)s", String(index + 1)).replace("%(total)s", String(steps.length));
    progressText.textContent = text;
    progressText.classList.remove("visually-hidden");
    bar.style.width = ((index + 1) / steps.length * 100) + "%";
    remember();
    if (moveFocus) {
      var legend = steps[index].querySelector("legend");
      legend.tabIndex = -1;
      legend.focus();
    }
  }

  function checkStep() {
    var missing = unanswered(steps[current]);
    if (missing.length) {
      say(form.getAttribute("data-msg-required"), true);
      firstControl(missing[0]).focus();
      return false;
    }
    say("");
    return true;
  }

  form.addEventListener("change", function (event) {
    var question = event.target.closest("[data-question]");
    if (question) { question.classList.remove("invalid"); }
    remember();
  });
  form.addEventListener("input", remember);
  next.addEventListener("click", function () { if (checkStep()) { show(current + 1, true); } });
  back.addEventListener("click", function () { say(""); show(current - 1, true); });

  var sending = false;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (sending || !checkStep()) { return; }
    sending = true;
    send.disabled = true;
    say(form.getAttribute("data-msg-sending"));
    fetch(form.action || window.location.href, {
      method: "POST", body: new FormData(form), credentials: "same-origin", redirect: "follow"
    }).then(function (response) {
      if (response.ok && response.redirected) {
        forget(null);
        window.location.assign(response.url);
        return;
      }
      /* The server has something to say (answers to fix, a used link): let it show the page. */
      form.submit();
    }).catch(function () {
      sending = false;
      send.disabled = false;
      say(form.getAttribute("data-msg-offline"), true);
      send.focus();
    });
  });

  /* The first part with a question marked by the server; else the part kept for this link,
     provided every part before it is answered; else the first. */
  function startAt() {
    var invalid = form.querySelector(".question.invalid");
    if (invalid) { return Math.max(0, steps.indexOf(invalid.closest("[data-step]"))); }
    var start = Math.min(Math.max(0, keptStep), steps.length - 1);
    for (var i = 0; i < start; i++) {
      if (missingIn(steps[i]).length) { return i; }
    }
    return start;
  }

  if (steps.length) { show(startAt(), false); }
  ready = true;
  remember();
})();
