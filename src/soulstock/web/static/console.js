// Soulstock seller console: uploads with a progress bar (XMLHttpRequest upload events) and
// the copy button of a new API token. Without script, the same forms post normally.
(function () {
  "use strict";

  function upload(form) {
    var bar = form.querySelector(".upload-progress");
    var meter = bar.querySelector("progress");
    var percent = bar.querySelector(".upload-percent");
    var error = form.querySelector(".upload-error");
    var button = form.querySelector("button[type=submit]");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.upload.addEventListener("progress", function (event) {
      if (!event.lengthComputable) { return; }
      var value = Math.round((event.loaded / event.total) * 100);
      meter.value = value;
      percent.textContent = value + "%";
    });
    xhr.addEventListener("load", function () {
      button.disabled = false;
      if (xhr.status >= 200 && xhr.status < 300) {
        meter.value = 100;
        percent.textContent = "100% ✓";
        form.setAttribute("data-uploaded", "true");
        var files = document.getElementById("files");
        if (files) { files.outerHTML = xhr.responseText; }
        form.querySelector("input[type=file]").value = "";
      } else {
        bar.hidden = true;
        error.innerHTML = xhr.responseText;
      }
    });
    xhr.addEventListener("error", function () {
      button.disabled = false;
      bar.hidden = true;
      error.textContent = "⚠";
    });
    error.innerHTML = "";
    form.removeAttribute("data-uploaded");
    meter.value = 0;
    percent.textContent = "0%";
    bar.hidden = false;
    button.disabled = true;
    xhr.send(new FormData(form));
  }

  function copy(button) {
    var field = document.querySelector(button.getAttribute("data-copy"));
    if (!field) { return; }
    field.select();
    var done = function () { button.textContent = button.getAttribute("data-copied"); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand("copy"); done(); });
    } else {
      document.execCommand("copy");
      done();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-upload]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.FormData || !form.querySelector("input[type=file]").files.length) { return; }
        event.preventDefault();
        upload(form);
      });
    });
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () { copy(button); });
    });
  });
})();
