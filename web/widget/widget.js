/* IHP Navigator web widget. The web app bundles this file after the socket.io client (web/widget.py):
 *   <script src="https://…/widget.js" data-server="https://rasa.example.org" data-lang="es" defer></script>
 * data-server: the Rasa server (socket.io); data-lang: the page's language (a hint, the conversation may
 * switch); data-open="true": start opened. Everything lives in a shadow root: the partner site's styles
 * cannot break it, and it cannot break theirs. */
function ihpNavigatorWidget(io, ASSETS, script) {
  "use strict";
  var LANGUAGES = ASSETS.languages;
  var server = (script && script.getAttribute("data-server")) || window.location.origin;
  var pageLanguage = (script && script.getAttribute("data-lang")) || document.documentElement.lang || "en";
  var storeKey = "ihp-navigator:" + server;
  // Full URLs, and the bare official sites the answers name ("ncsbn.org", "travel.state.gov/…").
  var URL_PATTERN = /https?:\/\/[^\s<>"')\]]+[^\s<>"')\].,;:!?،。，]|\b(?:[a-z0-9-]+\.)+(?:org|gov|edu|com|net|us|pharmacy|info)\b(?:\/[^\s<>"')\]]*[^\s<>"')\].,;:!?،。，])?/g;
  var COMMAND = /^\/[a-z_]+(\{.*\})?$/;

  var state = {
    language: supported(read("language")) || supported(pageLanguage.slice(0, 2)) || "en",
    sessionId: read("session"),
    open: read("open") === "1" || (script && script.getAttribute("data-open") === "true"),
    socket: null,
    ready: false, // the server confirmed the session: messages can be sent
    queue: [],
  };

  function supported(code) { return code && Object.prototype.hasOwnProperty.call(LANGUAGES, code) ? code : null; }
  function read(key) { try { return window.localStorage.getItem(storeKey + ":" + key); } catch (e) { return null; } }
  function write(key, value) { try { window.localStorage.setItem(storeKey + ":" + key, value); } catch (e) { /* private mode */ } }
  function t(key) { return (ASSETS.text[state.language] || ASSETS.text.en)[key]; }
  function rtl(language) { return ASSETS.rightToLeft.indexOf(language) >= 0; }
  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      if (name === "text") node.textContent = attributes[name];
      else node.setAttribute(name, attributes[name]);
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  // ---- Layout ---------------------------------------------------------------------------------------
  var host = el("div", { "data-ihp-navigator": "" });
  var root = host.attachShadow({ mode: "open" });
  root.appendChild(el("style", { text: ASSETS.css }));
  var frame = el("div", { class: "frame", part: "frame" });
  var launcher = el("button", { type: "button", class: "launcher", "aria-expanded": "false", "aria-controls": "ihp-panel" });
  launcher.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M4 4h16v12H7l-3 3z" fill="currentColor"/></svg>';
  var panel = el("section", { id: "ihp-panel", class: "panel", role: "dialog", "aria-modal": "false", hidden: "" });
  var title = el("h2", { id: "ihp-title", class: "title", text: ASSETS.brand });
  var subtitle = el("p", { class: "subtitle" });
  var languageLabel = el("label", { for: "ihp-language", class: "visually-hidden" });
  var languageMenu = el("select", { id: "ihp-language", class: "language" });
  Object.keys(LANGUAGES).forEach(function (code) {
    languageMenu.appendChild(el("option", { value: code, lang: code, dir: rtl(code) ? "rtl" : "ltr", text: LANGUAGES[code] }));
  });
  var close = el("button", { type: "button", class: "close" });
  close.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2"/></svg>';
  // On a shared computer (a library, a clinic) the next person must not see this conversation.
  var restart = el("button", { type: "button", class: "restart" });
  restart.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M4 12a8 8 0 1 0 2.3-5.6M4 4v5h5" fill="none" stroke="currentColor" stroke-width="2"/></svg>';
  var header = el("header", { class: "header" }, [
    el("div", { class: "heading" }, [title, subtitle]), languageLabel, languageMenu, restart, close,
  ]);
  var log = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions", tabindex: "0" });
  var typing = el("div", { class: "typing", role: "status", hidden: "" }, [
    el("span", { class: "dots", "aria-hidden": "true" }, [el("i"), el("i"), el("i")]),
    el("span", { class: "typing-text" }),
  ]);
  var offline = el("p", { class: "offline", role: "status", hidden: "" });
  var replies = el("div", { class: "replies", role: "group" });
  var inputLabel = el("label", { for: "ihp-input", class: "visually-hidden" });
  var input = el("textarea", { id: "ihp-input", class: "input", rows: "1", maxlength: "2000", autocomplete: "off" });
  var send = el("button", { type: "submit", class: "send" });
  var form = el("form", { class: "composer" }, [inputLabel, input, send]);
  var notice = el("p", { class: "notice" });
  panel.setAttribute("aria-labelledby", "ihp-title");
  panel.appendChild(header);
  panel.appendChild(log);
  panel.appendChild(typing);
  panel.appendChild(offline);
  panel.appendChild(replies);
  panel.appendChild(form);
  panel.appendChild(notice);
  frame.appendChild(panel);
  frame.appendChild(launcher);
  root.appendChild(frame);

  function applyLanguage(language) {
    state.language = supported(language) || state.language;
    write("language", state.language);
    frame.setAttribute("lang", state.language);
    frame.setAttribute("dir", rtl(state.language) ? "rtl" : "ltr");
    languageMenu.value = state.language;
    launcher.setAttribute("aria-label", t("open"));
    launcher.setAttribute("title", t("open"));
    close.setAttribute("aria-label", t("close"));
    restart.setAttribute("aria-label", t("restart"));
    restart.setAttribute("title", t("restart"));
    subtitle.textContent = t("subtitle");
    languageLabel.textContent = t("language");
    log.setAttribute("aria-label", t("messages"));
    typing.querySelector(".typing-text").textContent = t("typing");
    offline.textContent = t("offline");
    replies.setAttribute("aria-label", t("options"));
    inputLabel.textContent = t("placeholder");
    input.setAttribute("placeholder", t("placeholder"));
    send.textContent = t("send");
    notice.textContent = t("notice");
  }

  // ---- Messages -------------------------------------------------------------------------------------
  function linkified(text) {
    var fragment = document.createDocumentFragment();
    var last = 0;
    text.replace(URL_PATTERN, function (url, offset) {
      fragment.appendChild(document.createTextNode(text.slice(last, offset)));
      var href = /^https?:\/\//i.test(url) ? url : "https://" + url;
      fragment.appendChild(el("a", { href: href, target: "_blank", rel: "noopener noreferrer", dir: "ltr", text: url }));
      last = offset + url.length;
      return url;
    });
    fragment.appendChild(document.createTextNode(text.slice(last)));
    return fragment;
  }

  function addMessage(message) {
    var sender = message.sender || "bot";
    var bubble = el("div", { class: "message " + sender });
    var who = sender === "user" ? t("you") : sender === "staff" ? t("staff") : t("assistant");
    bubble.appendChild(el("span", { class: "visually-hidden", text: who + ": " }));
    var body = el("div", { class: "text" });
    if (sender === "user") {
      body.setAttribute("dir", "auto");
    } else {
      if (message.language) body.setAttribute("lang", message.language);
      body.setAttribute("dir", message.direction || (rtl(message.language) ? "rtl" : "ltr"));
    }
    (message.text || "").split(/\n{2,}/).forEach(function (paragraph) {
      body.appendChild(el("p", {}, [linkified(paragraph)]));
    });
    bubble.appendChild(body);
    log.appendChild(bubble);
    scrollToEnd();
    return bubble;
  }

  function scrollToEnd() { log.scrollTop = log.scrollHeight; }

  function showReplies(options, language) {
    replies.textContent = "";
    (options || []).forEach(function (option) {
      var button = el("button", { type: "button", class: "reply", text: option.title });
      if (language) button.setAttribute("lang", language);
      button.addEventListener("click", function () { say(option.payload, option.title); });
      replies.appendChild(button);
    });
    scrollToEnd();
  }

  function onBotMessage(message) {
    if (message.language && message.language !== state.language) applyLanguage(message.language);
    addMessage({ sender: message.sender || "bot", text: message.text, language: message.language, direction: message.direction });
    // A plan's options stay while the notes and programs that follow it in the same turn arrive;
    // the person's next message clears them (say).
    if ((message.quick_replies || []).length) showReplies(message.quick_replies, message.language);
    if (!state.open) launcher.classList.add("unread");
  }

  function onHistory(messages) {
    log.textContent = "";
    replies.textContent = "";
    var shown = (messages || []).filter(function (m) { return !(m.sender === "user" && COMMAND.test(m.text || "")); });
    shown.forEach(function (message) { addMessage(message); });
    var last = shown[shown.length - 1];
    if (last && last.sender !== "user") {
      if (last.language) applyLanguage(last.language);
      // The options of the last turn, as they were shown live: the last answer since the person's
      // last message that had any.
      for (var i = shown.length - 1; i >= 0 && shown[i].sender !== "user"; i--) {
        if ((shown[i].quick_replies || []).length) { showReplies(shown[i].quick_replies, shown[i].language); break; }
      }
    }
  }

  // ---- Connection -----------------------------------------------------------------------------------
  function connect() {
    if (state.socket) return;
    var socket = io(server, { transports: ["websocket", "polling"], reconnectionDelayMax: 10000 });
    state.socket = socket;
    socket.on("connect", function () {
      offline.hidden = true;
      socket.emit("session_request", { session_id: state.sessionId });
    });
    socket.on("session_confirm", function (sessionId) {
      var isNew = sessionId !== state.sessionId;
      state.sessionId = sessionId;
      write("session", sessionId);
      state.ready = true;
      if (isNew && !state.queue.length) emit("/greet");
      state.queue.splice(0).forEach(emit);
    });
    socket.on("session_history", onHistory);
    socket.on("bot_uttered", onBotMessage);
    socket.on("bot_typing", function (data) { typing.hidden = !(data && data.typing); });
    socket.on("disconnect", function () {
      state.ready = false;
      typing.hidden = true;
      offline.hidden = false;
    });
  }

  function startOver() {
    if (state.socket) state.socket.disconnect(); // leaves the old conversation's room too
    state.socket = null;
    state.ready = false;
    state.sessionId = null;
    state.queue = [];
    write("session", "");
    log.textContent = "";
    replies.textContent = "";
    typing.hidden = true;
    connect(); // a new session, greeted
    input.focus();
  }

  function emit(text) {
    state.socket.emit("user_uttered", { message: text, session_id: state.sessionId, metadata: { language: state.language } });
  }

  function say(text, shownAs) {
    if (!text || !text.trim()) return;
    replies.textContent = "";
    if (!COMMAND.test(shownAs || text)) addMessage({ sender: "user", text: shownAs || text });
    connect();
    if (state.ready) emit(text); else state.queue.push(text);
  }

  // ---- Interaction ----------------------------------------------------------------------------------
  function setOpen(open) {
    state.open = open;
    write("open", open ? "1" : "0");
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    frame.classList.toggle("is-open", open);
    if (open) {
      launcher.classList.remove("unread");
      connect();
      input.focus();
    }
  }

  launcher.addEventListener("click", function () { setOpen(!state.open); });
  close.addEventListener("click", function () { setOpen(false); launcher.focus(); });
  restart.addEventListener("click", startOver);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { setOpen(false); launcher.focus(); }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    input.value = "";
    say(text);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit", { cancelable: true }));
    }
  });
  languageMenu.addEventListener("change", function () {
    var chosen = languageMenu.value;
    applyLanguage(chosen);
    say('/change_language{"requested_language":"' + chosen + '"}');
  });

  applyLanguage(state.language);
  document.body.appendChild(host);
  if (state.sessionId) connect(); // a returning person: history, and replies that came while away
  setOpen(state.open);
  return { open: function () { setOpen(true); }, close: function () { setOpen(false); } };
}
