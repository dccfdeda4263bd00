// A countdown for timed attempts, and a submit when time runs out, so answers typed but not
// yet saved still count. Without JavaScript the page works as before: the server submits the
// attempt with the saved answers once the time is up.
(function () {
  "use strict";
  var timer = document.querySelector("[data-seconds-left]");
  var form = document.querySelector("form.attempt-form");
  if (!timer || !form) {
    return;
  }
  var output = timer.querySelector(".time-left");
  var submit = form.querySelector('button[name="submit"]');
  var end = Date.now() + Number(timer.getAttribute("data-seconds-left")) * 1000;
  var handle = null;

  function show(seconds) {
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    output.textContent = minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function tick() {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    show(left);
    if (left === 0) {
      window.clearInterval(handle);
      submit.click();
    }
  }

  timer.hidden = false;
  handle = window.setInterval(tick, 1000);
  tick();
})();
