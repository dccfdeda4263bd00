// The attempt page, improved where JavaScript runs (everything works without it):
// - autosave: a change is saved after a short pause, by a fetch that gets JSON; the page
//   carries the attempt's save count (`sequence`) and takes the new one from each answer, so
//   a save from a stale page is refused (409) and shown, never sent again over newer answers;
// - a warning before leaving with changes not saved, and links that save before they leave;
// - the navigator's states and count follow each save;
// - the countdown of a timed attempt, which submits the page (or the summary) at zero.
// What it says comes from the page, in the reader's language: the save status element's
// data-text-* attributes, with {name} where a value goes.
(function () {
  "use strict";
  var DEBOUNCE_MS = 800;
  var RETRY_MS = [2000, 4000, 8000, 15000, 30000];

  var form = document.querySelector("form[data-autosave]");
  var status = document.querySelector("[data-save-status]");
  var dirty = false;
  var inflight = null;
  var debounce = null;
  var retry = null;
  var failures = 0;
  var stale = false;
  var leaving = false;

  // The page's words for `name` (data-text-name), with each {key} replaced by values[key].
  function text(name, values) {
    var words = status ? status.getAttribute("data-text-" + name) || "" : "";
    return words.replace(/\{(\w+)\}/g, function (whole, key) {
      return values && key in values ? String(values[key]) : whole;
    });
  }

  function say(message, kind) {
    if (status && status.textContent !== message) {
      status.textContent = message;
      status.className = "save-status" + (kind ? " save-status-" + kind : "");
    }
  }

  function clock(date) {
    // In the page's language and the account's time zone, as the pages write times.
    var lang = document.documentElement.lang;
    var options = { hour: "2-digit", minute: "2-digit", hour12: false };
    var zone = status && status.getAttribute("data-time-zone");
    try {
      return date.toLocaleTimeString(lang ? [lang] : [], zone ? Object.assign({ timeZone: zone }, options) : options);
    } catch (error) {
      return date.toLocaleTimeString(lang ? [lang] : [], options); // a zone the browser lacks
    }
  }

  function showNavigator(questions) {
    var answered = 0;
    var flagged = 0;
    questions.forEach(function (q) {
      answered += q.answered ? 1 : 0;
      flagged += q.flagged ? 1 : 0;
      var link = document.querySelector('.quiz-nav a[data-position="' + q.position + '"]');
      if (!link) {
        return;
      }
      link.classList.toggle("qnav-answered", q.answered);
      link.classList.toggle("qnav-flagged", q.flagged);
      link.setAttribute(
        "aria-label",
        text("question", {
          position: q.position,
          state: text(q.answered ? "answered" : "not-answered"),
        }) + (q.flagged ? text("flagged") : "")
      );
    });
    var count = document.querySelector("[data-answered]");
    if (count) {
      count.textContent = answered;
      document.querySelector("[data-flagged]").textContent = flagged;
      document.querySelector("[data-flagged-text]").hidden = flagged === 0;
    }
  }

  function showStale(message) {
    // The page is older than what is saved: stop saving, and offer the server's conflict page
    // (a normal save from this page), which shows what is saved and can put these answers back.
    say(text("not-saved", { reason: message }) + " ", "error");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "link-button";
    button.textContent = text("see-saved");
    button.addEventListener("click", function () {
      form.requestSubmit(form.querySelector('button[name="save"]'));
    });
    status.appendChild(button);
  }

  function schedule() {
    window.clearTimeout(debounce);
    debounce = window.setTimeout(save, DEBOUNCE_MS);
  }

  function answerOf(response) {
    return response.json().then(
      function (json) {
        return { status: response.status, json: json };
      },
      function () {
        return { status: response.status, json: {} };
      }
    );
  }

  function save() {
    window.clearTimeout(debounce);
    window.clearTimeout(retry);
    if (stale) {
      return Promise.resolve(false);
    }
    if (inflight) {
      return inflight.then(function () {
        return dirty ? save() : true;
      });
    }
    if (!dirty) {
      return Promise.resolve(true);
    }
    var data = new FormData(form);
    data.append("save", "autosave");
    dirty = false; // a change while this save is on its way makes the page dirty again
    say(text("saving"));
    inflight = window
      .fetch(form.action, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
      .then(answerOf)
      .then(function (answer) {
        inflight = null;
        var json = answer.json;
        if (answer.status === 200 && json.status === "saved") {
          form.elements.namedItem("sequence").value = json.sequence;
          failures = 0;
          showNavigator(json.questions);
          if (dirty) {
            schedule();
          } else {
            say(text("saved", { time: clock(new Date()) }), "saved");
          }
          return true;
        }
        dirty = true;
        if (json.status === "stale") {
          stale = true;
          showStale(json.message);
          return false;
        }
        if (json.status === "ended") {
          leaving = true;
          window.location.assign(json.location);
          return false;
        }
        if (json.status === "invalid") {
          say(text("not-saved", { reason: json.message }), "error");
          return false;
        }
        throw new Error("status " + answer.status);
      })
      .catch(function () {
        inflight = null;
        dirty = true;
        say(text("retrying"), "error");
        retry = window.setTimeout(save, RETRY_MS[Math.min(failures, RETRY_MS.length - 1)]);
        failures += 1;
        return false;
      });
    return inflight;
  }

  function changed() {
    dirty = true;
    if (!stale) {
      say(text("not-saved-yet"));
      schedule();
    }
  }

  if (form) {
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);

    // A button of the form (save, another page, finish, the countdown) posts the whole page:
    // wait for a save on its way first, so the post carries the save count it returned.
    form.addEventListener("submit", function (event) {
      if (inflight) {
        event.preventDefault();
        var submitter = event.submitter;
        inflight.then(function () {
          if (submitter) {
            form.requestSubmit(submitter);
          } else {
            form.requestSubmit();
          }
        });
        return;
      }
      window.clearTimeout(debounce);
      window.clearTimeout(retry);
      leaving = true;
    });

    // A link to another page (the navigator, the summary, the menu) saves before it leaves.
    document.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a[href]") : null;
      if (!link || stale || !(dirty || inflight) || link.getAttribute("href").charAt(0) === "#") {
        return;
      }
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
        return;
      }
      event.preventDefault();
      save().then(function (saved) {
        if (saved) {
          leaving = true;
          window.location.assign(link.href);
        }
      });
    });

    window.addEventListener("beforeunload", function (event) {
      if (!leaving && (dirty || inflight)) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  }

  // The countdown: at zero the attempt page posts what it holds with "submit" (the server
  // submits it at once), the summary posts its "Submit all and finish".
  var timer = document.querySelector("[data-seconds-left]");
  var target = form || document.querySelector("form[data-submit-on-time-out]");
  if (timer && target) {
    var output = timer.querySelector(".time-left");
    var end = Date.now() + Number(timer.getAttribute("data-seconds-left")) * 1000;
    var handle = null;
    var tick = function () {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      var minutes = Math.floor(left / 60);
      var rest = left % 60;
      output.textContent = minutes + ":" + (rest < 10 ? "0" : "") + rest;
      if (left === 0) {
        window.clearInterval(handle);
        if (target === form) {
          var submit = document.createElement("input");
          submit.type = "hidden";
          submit.name = "submit";
          submit.value = "1";
          form.appendChild(submit);
        }
        target.requestSubmit();
      }
    };
    handle = window.setInterval(tick, 1000);
    tick();
  }
})();
