/* The station hand-out page: read the member's e-card QR with jsQR (served from npm), from the
   phone camera or from a photo, put the text into the lookup form and send it. Nothing read
   from the code is put into the page: the server looks the card up and answers with a page. */
(function () {
  "use strict";
  var form = document.getElementById("station-lookup");
  if (!form || typeof window.jsQR !== "function") return;
  var card = document.getElementById("station-card");
  var status = document.getElementById("station-status");
  var fileInput = document.getElementById("station-file");
  var cameraButton = document.getElementById("station-camera");
  var video = document.getElementById("station-video");
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var MAX_SIDE = 1024;

  function say(key) {
    status.textContent = key ? status.getAttribute("data-" + key) : "";
  }

  // Decode what is drawn from `source` (an image bitmap or the video), scaled to at most MAX_SIDE.
  function decode(source, width, height) {
    var scale = Math.min(1, MAX_SIDE / Math.max(width, height));
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    context.drawImage(source, 0, 0, canvas.width, canvas.height);
    var pixels = context.getImageData(0, 0, canvas.width, canvas.height);
    var code = window.jsQR(pixels.data, pixels.width, pixels.height, { inversionAttempts: "attemptBoth" });
    return code && code.data ? code.data : null;
  }

  function send(text) {
    card.value = text;
    form.querySelector('input[name="member_no"]').value = "";
    form.submit();
  }

  fileInput.addEventListener("change", function () {
    var file = fileInput.files && fileInput.files[0];
    if (!file) return;
    say("reading");
    createImageBitmap(file).then(function (bitmap) {
      var text = decode(bitmap, bitmap.width, bitmap.height);
      if (text) send(text);
      else say("none");
    }, function () {
      say("none");
    });
  });

  var stream = null;
  function stop() {
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    video.hidden = true;
  }

  function tick() {
    if (!stream) return;
    if (video.readyState >= 2 && video.videoWidth) {
      var text = decode(video, video.videoWidth, video.videoHeight);
      if (text) {
        stop();
        send(text);
        return;
      }
    }
    window.requestAnimationFrame(tick);
  }

  if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    cameraButton.hidden = false;
    cameraButton.addEventListener("click", function () {
      if (stream) { stop(); return; }
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (s) {
        stream = s;
        video.srcObject = s;
        video.hidden = false;
        say("");
        video.play();
        window.requestAnimationFrame(tick);
      }, function () {
        say("nocamera");
      });
    });
  }

  // The position picker sends itself when changed (a phone user should not hunt for a button).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
