// "Joindre un fichier ou rédiger un document": the comment's live "0/1000" counter, the
// confidentiality choices ("visible par toute personne autorisée" excludes the restrictions), and
// a progress bar while the file uploads. Progressive enhancement: without this script the form
// posts as usual and the server checks everything. No inline script or style (strict CSP): the
// bar is a <progress> element, updated through its value.
(function () {
  "use strict";

  function setUpCounters(form) {
    form.querySelectorAll("textarea[data-counter]").forEach(function (area) {
      var output = document.getElementById(area.dataset.counter);
      if (!output) {
        return;
      }
      var max = area.getAttribute("maxlength");
      var update = function () {
        // Characters as the server counts them (code points; a line break is one).
        output.textContent = Array.from(area.value).length + "/" + max;
      };
      area.addEventListener("input", update);
      update();
    });
  }

  function setUpConfidentiality(form) {
    var boxes = Array.from(form.querySelectorAll('input[type="checkbox"][name="confidentiality"]'));
    var normal = boxes.find(function (box) { return box.value === "normal"; });
    if (!normal) {
      return;
    }
    boxes.forEach(function (box) {
      box.addEventListener("change", function () {
        if (box === normal && box.checked) {
          boxes.forEach(function (other) { if (other !== normal) { other.checked = false; } });
        } else if (box !== normal && box.checked) {
          normal.checked = false;
        }
        if (!boxes.some(function (other) { return other.checked; })) {
          normal.checked = true;
        }
      });
    });
  }

  function sendsFile(form) {
    var mode = form.querySelector('input[name="mode"]:checked');
    var input = form.querySelector('input[type="file"]');
    return mode && mode.value === "fichier" && input && input.files.length > 0;
  }

  function setUpUpload(form) {
    if (!window.FormData || !window.XMLHttpRequest || !window.DOMParser) {
      return;
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var progress = form.querySelector("[data-upload-progress]");
      var bar = progress.querySelector("progress");
      var percent = progress.querySelector("[data-upload-percent]");
      var failure = form.querySelector("[data-upload-error]");
      var buttons = form.querySelectorAll('button[type="submit"]');
      var xhr = new XMLHttpRequest();

      failure.hidden = true;
      buttons.forEach(function (button) { button.disabled = true; });
      if (sendsFile(form)) {
        bar.value = 0;
        percent.textContent = "0 %";
        progress.hidden = false;
        xhr.upload.addEventListener("progress", function (e) {
          if (e.lengthComputable) {
            var value = Math.floor((e.loaded * 100) / e.total);
            bar.value = value;
            bar.textContent = value + " %";
            percent.textContent = value + " %";
          }
        });
      }
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      // The CSRF cookie is HttpOnly: the token comes from the form's hidden input.
      var token = form.querySelector('input[name="csrfmiddlewaretoken"]');
      if (token) {
        xhr.setRequestHeader("X-CSRFToken", token.value);
      }
      xhr.addEventListener("load", function () {
        var type = xhr.getResponseHeader("Content-Type") || "";
        if (type.indexOf("application/json") === 0) {
          var answer = JSON.parse(xhr.responseText);
          window.location.assign(answer.redirect);
          return;
        }
        // The form again, with its messages: swap it in. Anything else (the authorization or
        // login page after a redirect, an error page): go there.
        var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
        var fresh = page.getElementById(form.id);
        if (!fresh || xhr.status !== 200) {
          window.location.assign(xhr.responseURL || window.location.href);
          return;
        }
        form.replaceWith(fresh);
        setUp(fresh);
        var summary = fresh.querySelector("[data-error-summary]");
        if (summary) {
          summary.focus();
          summary.scrollIntoView({ block: "start" });
        }
      });
      xhr.addEventListener("error", function () {
        progress.hidden = true;
        failure.hidden = false;
        buttons.forEach(function (button) { button.disabled = false; });
      });
      xhr.send(new FormData(form));
    });
  }

  function setUp(form) {
    setUpCounters(form);
    setUpConfidentiality(form);
    setUpUpload(form);
  }

  document.querySelectorAll("form[data-upload-form]").forEach(setUp);
})();
