/*
 * OneWindow chat widget: vanilla ES2017, no dependencies, no build step.
 *
 * Floating launcher + panel, from one tag on any page:
 *   <script src="https://host/static/chat/onewindow-chat.js"
 *           data-onewindow-api="https://host" data-lang="en" defer></script>
 * Inline (full page): put <div id="onewindow-chat" data-mode="inline"></div>
 * in the page; the same script mounts into it instead.
 * Optional data-strings-url (on the script or the container): "/static/i18n/{lang}.json"
 * or a URL ending in "<lang>.json"; the default is i18n/<lang>.json beside this script's folder.
 *
 * Server: only the "Conversation API" of docs/CONTRACTS.md. All user-facing
 * text comes from static/i18n/<lang>.json. Text from the server is untrusted
 * and is only ever inserted with textContent / createElement, never innerHTML.
 */
(function () {
  'use strict';

  if (window.OneWindowChat) return; // the tag was included twice: mount once

  const MAX_LEN = 2000;             // same limit as the server; counted in code points
  const COUNTER_FROM = 1800;        // show the counter only near the limit
  const POLL_MS = 2000;
  const WS_OPEN_TIMEOUT_MS = 5000;  // some proxies hang WebSocket upgrades: don't wait forever
  const WS_BACKOFF_MAX_MS = 30000;
  const TYPING_TIMEOUT_MS = 30000;
  const REQUEST_TIMEOUT_MS = 15000;
  const SEND_ATTEMPTS = 4;          // tries of one message at once; then it waits in the outbox ("Sending…")
  const SEND_BACKOFF_MS = 500;      // before the 2nd try; doubled each time, with jitter
  const SEND_BACKOFF_MAX_MS = 8000;
  const RESEND_STATUSES = [502, 503, 504]; // a replica or the proxy failed: the message may or may not be stored
  const LANGS = ['en', 'fr'];
  const LEVELS = ['federal', 'provincial', 'municipal'];
  const SENDERS = ['user', 'bot', 'agent', 'system'];

  // document.currentScript is set while a deferred script runs; the query covers async loaders.
  const script = document.currentScript || document.querySelector('script[src*="onewindow-chat.js"]');
  let idCounter = 0;
  const uid = (name) => 'ow-' + name + '-' + (++idCounter);
  const list = (x) => (Array.isArray(x) ? x.filter((i) => i != null && i !== '') : []);
  const codePoints = (text) => Array.from(text).length; // the server counts characters, not UTF-16 units
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  /** A fresh id per message (the API's client_message_id): however often the message is
   * resent with it, the server stores and answers it once. randomUUID needs a secure page. */
  function messageId() {
    const c = window.crypto;
    if (c && typeof c.randomUUID === 'function') return c.randomUUID();
    const bytes = new Uint8Array(16);
    if (c && typeof c.getRandomValues === 'function') c.getRandomValues(bytes);
    else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  // ---------------------------------------------------------------- helpers

  /** Build an element. props: class, text (set as textContent), attrs, on (listeners). */
  function h(tag, props, children) {
    const node = document.createElement(tag);
    const p = props || {};
    if (p.class) node.className = p.class;
    if (p.text != null) node.textContent = String(p.text);
    for (const [k, v] of Object.entries(p.attrs || {})) {
      if (v != null && v !== false) node.setAttribute(k, v === true ? '' : String(v));
    }
    for (const [k, fn] of Object.entries(p.on || {})) node.addEventListener(k, fn);
    for (const c of children || []) {
      if (c != null && c !== false) node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    }
    return node;
  }

  /** Only http(s) URLs may become links: a "javascript:" URL in data must stay text. */
  function safeUrl(url, base) {
    if (!url || typeof url !== 'string') return null;
    try {
      const u = new URL(url, base || location.href);
      return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
    } catch (e) { return null; }
  }

  function format(template, vars) {
    return String(template).replace(/\{(\w+)\}/g, (m, k) => (vars && vars[k] != null ? String(vars[k]) : m));
  }

  function readConfig(container) {
    const ds = Object.assign({}, script ? script.dataset : {}, container ? container.dataset : {});
    const scriptUrl = script && script.src ? new URL(script.src, location.href) : null;
    const staticBase = scriptUrl ? new URL('../', scriptUrl).href : new URL('/static/', location.href).href;
    // An empty data-onewindow-api (the same-origin /chat page) means "where the script came from".
    const api = new URL(ds.onewindowApi || (scriptUrl ? scriptUrl.origin : location.origin), location.href).href.replace(/\/+$/, '');
    const lang = [ds.lang, (document.documentElement.lang || '').slice(0, 2)].find((l) => LANGS.includes(l)) || 'en';
    const stringsUrl = (l) => {
      const u = ds.stringsUrl;
      if (u && u.includes('{lang}')) return u.replace('{lang}', l);
      if (u && /[a-z]{2}\.json(\?.*)?$/.test(u)) return u.replace(/[a-z]{2}\.json(\?.*)?$/, l + '.json$1');
      return staticBase + 'i18n/' + l + '.json';
    };
    // data-lang-chosen="false": the page only guessed (browser language): the server may follow the person's words.
    const langChosen = ds.langChosen !== 'false' && LANGS.includes(ds.lang);
    return { api, lang, langChosen, stringsUrl, cssUrl: staticBase + 'chat/onewindow-chat.css', storeKey: 'onewindow.chat:' + api };
  }

  /** sessionStorage can be disabled (privacy modes): then there is just no resume. */
  function makeStore(key) {
    const write = (v) => { try { sessionStorage.setItem(key, JSON.stringify(v)); } catch (e) { /* no resume */ } };
    return {
      get() { try { return JSON.parse(sessionStorage.getItem(key)) || {}; } catch (e) { return {}; } },
      set(patch) { write(Object.assign(this.get(), patch)); },
      clear(keep) { write(keep || {}); },
    };
  }

  async function fetchJson(url) {
    const res = await fetch(url);
    if (!res.ok) throw new Error('HTTP ' + res.status + ' for ' + url);
    return res.json();
  }

  /** Load the stylesheet once; resolve when it applies (or gives up) so nothing flashes unstyled. */
  function ensureCss(href) {
    if (document.querySelector('link[data-onewindow-css]')) return Promise.resolve();
    return new Promise((resolve) => {
      const link = h('link', { attrs: { rel: 'stylesheet', href, 'data-onewindow-css': true } });
      link.onload = link.onerror = resolve;
      setTimeout(resolve, 3000);
      document.head.appendChild(link);
    });
  }

  // ----------------------------------------------------------------- widget

  class ChatWidget {
    constructor(container, cfg) {
      this.cfg = cfg;
      this.container = container; // null: floating launcher + panel
      this.inline = !!container;
      this.store = makeStore(cfg.storeKey);
      const saved = this.store.get().uiLang;
      this.lang = LANGS.includes(saved) ? saved : cfg.lang;
      this.langChosen = LANGS.includes(saved) || cfg.langChosen;
      this.strings = {};
      this.resetState();
    }

    resetState() {
      this.convId = null;
      this.lastSeq = 0;
      this.seen = new Set();   // seqs already shown: WS, polling and POST replies overlap
      this.owner = 'bot';
      this.outbox = [];        // {body, bubble} waiting to be delivered, in order
      this.unconfirmed = [];   // outbox items sent over the socket whose echo has not come back yet
      this.pumping = false;
      this.titles = new Map(); // payload -> button title, so "/payload" in history shows as clicked
      this.failures = 0;
      this.wsAttempts = 0;
    }

    // ------------------------------------------------------------ strings

    t(key, vars) {
      const s = this.strings[key];
      if (s == null) console.warn('[onewindow] missing string', key);
      return format(s == null ? key : s, vars);
    }

    /** Set translated text and remember the key so a language switch re-renders it; key null clears. */
    tr(node, key, vars) {
      node.removeAttribute('data-ow-v');
      if (key == null) { node.removeAttribute('data-ow-t'); node.textContent = ''; return node; }
      node.setAttribute('data-ow-t', key);
      if (vars) node.setAttribute('data-ow-v', JSON.stringify(vars));
      node.textContent = this.t(key, vars);
      return node;
    }

    trAttr(node, attr, key) {
      node.setAttribute('data-ow-a', attr + ':' + key);
      node.setAttribute(attr, this.t(key));
      return node;
    }

    /** Re-apply the catalogue to the widget and to page elements marked data-ow-t (chat.html). */
    retranslate() {
      document.querySelectorAll('[data-ow-t]').forEach((n) => {
        n.textContent = this.t(n.getAttribute('data-ow-t'), JSON.parse(n.getAttribute('data-ow-v') || 'null'));
      });
      document.querySelectorAll('[data-ow-a]').forEach((n) => {
        const [attr, key] = n.getAttribute('data-ow-a').split(':');
        n.setAttribute(attr, this.t(key));
      });
      // A placeholder catalogue (fr.json before translation) holds English: tell screen readers so.
      const contentLang = this.strings._content_lang || this.lang;
      this.root.setAttribute('lang', contentLang);
      if (this.inline) document.documentElement.setAttribute('lang', contentLang);
      this.titles.set('/request_human', this.t('talk_to_person'));
    }

    loadStrings(lang) { // a missing catalogue falls back to English
      return fetchJson(this.cfg.stringsUrl(lang)).catch((e) => (lang === 'en' ? Promise.reject(e) : this.loadStrings('en')));
    }

    /** Show the widget in `lang`. Chosen from the menu, the conversation switches too (the
     *  assistant answers in it from now on); `fromServer`: the server already changed it
     *  (it followed the language of the person's first message). */
    async setLang(lang, fromServer) {
      if (!LANGS.includes(lang)) return;
      try {
        this.strings = await this.loadStrings(lang);
        this.lang = lang;
        this.store.set({ uiLang: lang });
        this.retranslate();
      } catch (e) { this.showError(this.t('error_strings')); }
      this.langSelect.value = this.lang;
      if (fromServer) return;
      this.langChosen = true;
      if (!this.convId || this.owner === 'closed') return;
      const r = await this.request('POST', this.path('/lang'), { lang: this.lang });
      if (r && r.ok) this.applyBatch(r.data, true);
    }

    // ------------------------------------------------------------------ UI

    async init() {
      await ensureCss(this.cfg.cssUrl);
      try { this.strings = await this.loadStrings(this.lang); } catch (e) {
        return console.error('[onewindow] no message catalogue; the chat cannot start', e);
      }
      this.build();
      this.retranslate();
      window.addEventListener('online', () => this.reconnectNow());
      window.addEventListener('offline', () => this.setConn('offline'));
      if (this.inline || this.store.get().open) this.open(false);
    }

    build() {
      this.root = h('div', { class: 'ow-chat ' + (this.inline ? 'ow-chat--inline' : 'ow-chat--floating') });
      const titleId = uid('title');
      const panelId = uid('panel');
      this.panel = h('section', {
        class: 'ow-panel',
        attrs: { id: panelId, 'aria-labelledby': titleId, role: this.inline ? null : 'dialog', hidden: !this.inline },
      }, [this.buildHeader(titleId), this.buildStatus(), this.buildLog(), this.buildTyping(), this.buildForm()]);
      if (!this.inline) {
        this.unread = this.tr(h('span', { class: 'ow-vh', attrs: { hidden: true } }), 'launcher_unread');
        this.launcher = h('button', {
          class: 'ow-launcher',
          attrs: { type: 'button', 'aria-expanded': 'false', 'aria-controls': panelId },
          on: { click: () => (this.panel.hidden ? this.open(true) : this.close()) },
        }, [h('span', { class: 'ow-launcher__icon', attrs: { 'aria-hidden': 'true' } }), this.tr(h('span'), 'launcher'), ' ', this.unread]);
        this.root.appendChild(this.launcher);
        // Escape closes the floating panel (it never traps focus) and returns focus to the launcher.
        this.panel.addEventListener('keydown', (e) => {
          if (e.key === 'Escape' && !e.defaultPrevented) { e.preventDefault(); this.close(); }
        });
      }
      this.root.appendChild(this.panel);
      (this.container || document.body).appendChild(this.root);
    }

    buildHeader(titleId) {
      const selectId = uid('lang');
      this.langSelect = h('select', { attrs: { id: selectId }, on: { change: () => this.setLang(this.langSelect.value) } },
        LANGS.map((l) => this.tr(h('option', { attrs: { value: l, lang: l } }), 'lang_' + l))); // "Français" is French text
      this.langSelect.value = this.lang;
      const close = this.inline ? null : this.trAttr(h('button', {
        class: 'ow-close', attrs: { type: 'button' }, on: { click: () => this.close() },
      }, [h('span', { text: '\u00d7', attrs: { 'aria-hidden': 'true' } })]), 'aria-label', 'close');
      return h('div', { class: 'ow-header' }, [ // not <header>: that would add a second banner landmark
        this.tr(h('h2', { class: 'ow-title', attrs: { id: titleId } }), 'panel_title'),
        h('div', { class: 'ow-lang' }, [this.tr(h('label', { attrs: { for: selectId } }), 'language_label'), this.langSelect]),
        close,
      ]);
    }

    buildStatus() {
      this.connEl = h('span', { class: 'ow-conn' });
      this.ownerEl = h('span', { class: 'ow-owner' });
      return h('div', { class: 'ow-status', attrs: { role: 'status' } }, [this.connEl, ' ', this.ownerEl]);
    }

    buildLog() {
      // tabindex: the log scrolls, so keyboard users must be able to focus and scroll it.
      this.log = this.trAttr(h('div', {
        class: 'ow-log', attrs: { role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions', tabindex: '0' },
      }), 'aria-label', 'log_label');
      return this.log;
    }

    buildTyping() {
      // Not a live region: the reply itself is announced by the log; this is a visual cue.
      this.typing = h('div', { class: 'ow-typing', attrs: { hidden: true } }, [
        h('span', { class: 'ow-typing__dots', attrs: { 'aria-hidden': 'true' } }, [h('span'), h('span'), h('span')]),
        this.tr(h('span'), 'typing'),
      ]);
      return this.typing;
    }

    buildForm() {
      const [inputId, hintId, counterId] = [uid('input'), uid('hint'), uid('counter')];
      this.errorEl = h('p', { class: 'ow-error', attrs: { role: 'alert' } });
      this.input = h('textarea', {
        class: 'ow-input',
        attrs: { id: inputId, rows: '2', 'aria-describedby': hintId + ' ' + counterId, autocomplete: 'off' },
        on: { keydown: (e) => this.onKeydown(e), input: () => this.updateCounter() },
      });
      this.counter = h('span', { class: 'ow-counter', attrs: { id: counterId } });
      this.sendBtn = this.tr(h('button', { class: 'ow-send', attrs: { type: 'submit' } }), 'send');
      this.humanBtn = this.tr(h('button', {
        class: 'ow-human', attrs: { type: 'button' },
        on: { click: () => { this.sendItem({ payload: '/request_human' }, this.t('talk_to_person')); this.input.focus(); } },
      }), 'talk_to_person');
      this.newBtn = this.tr(h('button', {
        class: 'ow-new', attrs: { type: 'button', hidden: true }, on: { click: () => this.newConversation() },
      }), 'new_conversation');
      return h('form', { class: 'ow-form', attrs: { novalidate: true }, on: { submit: (e) => this.onSubmit(e) } }, [
        this.errorEl,
        this.tr(h('label', { class: 'ow-label', attrs: { for: inputId } }), 'input_label'),
        h('div', { class: 'ow-row' }, [this.input, this.sendBtn]),
        h('div', { class: 'ow-tools' }, [this.humanBtn, this.newBtn, this.counter]),
        this.tr(h('p', { class: 'ow-hint', attrs: { id: hintId } }), 'input_hint'),
      ]);
    }

    open(moveFocus) {
      if (!this.inline) {
        this.panel.hidden = false;
        this.root.classList.add('ow-chat--open');
        this.launcher.setAttribute('aria-expanded', 'true');
        this.launcher.classList.remove('ow-launcher--unread');
        this.unread.hidden = true;
        this.store.set({ open: true });
      }
      if (moveFocus) this.input.focus();
      if (!this.convId) this.startConversation(false); // created lazily: not for every page view
      else { this.schedulePoll(); this.scrollToEnd(); }
    }

    close() {
      this.panel.hidden = true;
      this.root.classList.remove('ow-chat--open');
      this.launcher.setAttribute('aria-expanded', 'false');
      this.store.set({ open: false });
      this.stopPolling();
      this.launcher.focus();
    }

    isVisible() { return this.inline || !this.panel.hidden; }

    // ------------------------------------------------------- status lines

    setConn(state) {
      if (state === 'connected' && !navigator.onLine) state = 'offline';
      if (this.connState === state) return; // don't re-announce the same status
      this.connState = state;
      this.tr(this.connEl, 'status_' + state);
      this.connEl.className = 'ow-conn ow-conn--' + state;
    }

    netOk() { this.failures = 0; this.setConn('connected'); }

    netFail() {
      this.failures += 1;
      this.setConn(!navigator.onLine || this.failures >= 3 ? 'offline' : 'reconnecting');
    }

    setOwner(owner) {
      if (!owner || owner === this.owner) return;
      this.owner = owner;
      this.tr(this.ownerEl, { queue: 'owner_queue', agent: 'owner_agent', closed: 'owner_closed' }[owner]);
      this.humanBtn.disabled = owner !== 'bot'; // already with, or waiting for, a person
      if (owner === 'closed') this.closeConversation();
      this.refreshReplies();
    }

    closeConversation(key) {
      if (key) this.tr(this.ownerEl, key);
      this.owner = 'closed';
      const hadFocus = this.root.contains(document.activeElement);
      this.input.disabled = this.sendBtn.disabled = this.humanBtn.disabled = true;
      this.newBtn.hidden = false;
      this.hideTyping();
      this.stopPolling();
      clearTimeout(this.wsTimer); // the server closes the socket; wsLost() won't reconnect now
      if (!key) this.catchUp(); // "closed" can overtake the last messages (the agent's goodbye)
      if (hadFocus) this.newBtn.focus(); // the input is disabled now: don't drop focus to <body>
      this.refreshReplies();
    }

    showError(text) { this.errorEl.textContent = text || ''; }

    showTyping() {
      clearTimeout(this.typingTimer);
      this.typing.hidden = false;
      this.typingTimer = setTimeout(() => this.hideTyping(), TYPING_TIMEOUT_MS);
      this.scrollToEnd();
    }

    hideTyping() { clearTimeout(this.typingTimer); this.typing.hidden = true; }

    // ------------------------------------------------------------- input

    onKeydown(e) {
      // Enter sends, Shift+Enter is a newline; never send in the middle of an IME composition.
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) this.onSubmit(e);
    }

    onSubmit(e) {
      e.preventDefault();
      const text = this.input.value.trim();
      if (!text) return this.showError(this.t('empty_message'));
      if (codePoints(text) > MAX_LEN) return this.showError(this.t('too_long', { max: MAX_LEN }));
      this.input.value = '';
      this.updateCounter();
      this.showError('');
      this.sendItem({ text }, text);
      this.input.focus(); // keep typing where you were, also after clicking Send
    }

    updateCounter() {
      const n = codePoints(this.input.value);
      const over = n > MAX_LEN;
      this.tr(this.counter, n >= COUNTER_FROM ? 'counter' : null, { count: n, max: MAX_LEN });
      this.counter.classList.toggle('ow-counter--over', over);
      if (over !== !!this.wasOver) this.showError(over ? this.t('too_long', { max: MAX_LEN }) : '');
      this.wasOver = over;
    }

    // ---------------------------------------------------------- messages

    /** Show one server message once, in seq order. */
    renderMessage(msg, live) {
      if (!msg || typeof msg !== 'object') return;
      if (msg.seq != null) {
        if (this.seen.has(msg.seq)) return;
        this.seen.add(msg.seq);
        this.lastSeq = Math.max(this.lastSeq, Number(msg.seq) || 0);
      }
      if (msg.sender === 'user' && this.adoptEcho(msg)) return;
      this.insertBySeq(this.messageNode(msg), msg.seq);
      if (live && msg.sender !== 'user' && !this.isVisible()) {
        this.launcher.classList.add('ow-launcher--unread');
        this.unread.hidden = false;
      }
    }

    /** The server may echo the user's own message: attach it to the bubble already shown. */
    adoptEcho(msg) {
      const bubble = Array.from(this.log.querySelectorAll('.ow-msg[data-pending]')).find((b) =>
        !msg.text || msg.text === b.owBody.text || msg.text === b.owBody.payload || msg.text === b.owShown);
      if (!bubble) return false;
      bubble.removeAttribute('data-pending');
      bubble.setAttribute('data-seq', msg.seq);
      return true;
    }

    insertBySeq(node, seq) {
      // Walk back over later messages; stop at an unsequenced (pending) bubble so replies follow it.
      let ref = null;
      for (let c = this.log.lastElementChild; c; c = c.previousElementSibling) {
        if (seq == null || !c.hasAttribute('data-seq') || Number(c.getAttribute('data-seq')) < seq) break;
        ref = c;
      }
      this.log.insertBefore(node, ref);
    }

    messageNode(msg) {
      const kind = SENDERS.includes(msg.sender) ? msg.sender : 'system';
      let text = msg.text == null ? '' : String(msg.text);
      if (kind === 'user' && this.titles.get(text)) text = this.titles.get(text); // "/payload" -> button title
      const node = h('div', { class: 'ow-msg ow-msg--' + kind, attrs: { 'data-seq': msg.seq } }, [
        this.tr(h('span', { class: 'ow-vh' }), 'sr_' + kind), ' ',
        kind === 'agent' ? this.tr(h('span', { class: 'ow-msg__who', attrs: { 'aria-hidden': 'true' } }), 'label_agent') : null,
      ]);
      if (text) node.appendChild(this.textBlock(text));
      if (msg.bundle && typeof msg.bundle === 'object') node.appendChild(this.renderBundle(msg.bundle));
      const buttons = list(msg.buttons).filter((b) => b.payload != null);
      if (buttons.length) node.appendChild(this.renderReplies(buttons));
      return node;
    }

    /** Plain text with bare http(s) URLs made into links; never parsed as HTML. */
    textBlock(text) {
      const p = h('p', { class: 'ow-bubble' });
      const re = /\bhttps?:\/\/[^\s<>"']*[^\s<>"'.,;:!?)]/g;
      let last = 0;
      let m;
      while ((m = re.exec(text))) {
        const url = safeUrl(m[0]);
        p.append(text.slice(last, m.index), url ? this.newTabLink(m[0], url) : m[0]);
        last = m.index + m[0].length;
      }
      p.append(text.slice(last));
      return p;
    }

    newTabLink(text, href) {
      return h('a', { attrs: { href, target: '_blank', rel: 'noopener noreferrer' } }, [
        text, ' ', h('span', { class: 'ow-ext', text: '\u2197', attrs: { 'aria-hidden': 'true' } }),
        this.tr(h('span', { class: 'ow-vh' }), 'opens_new_tab'),
      ]);
    }

    renderReplies(buttons) {
      const group = this.trAttr(h('div', { class: 'ow-replies', attrs: { role: 'group' } }), 'aria-label', 'suggested_replies');
      for (const b of buttons) {
        const payload = String(b.payload);
        const title = b.title == null ? payload : String(b.title);
        this.titles.set(payload, title);
        group.appendChild(h('button', {
          class: 'ow-reply', text: title, attrs: { type: 'button' },
          on: { click: () => { this.sendItem({ payload }, title); this.input.focus(); } },
        }));
      }
      return group;
    }

    /** Only the newest message's quick replies stay usable: older ones answer questions already passed. */
    refreshReplies() {
      const last = this.log.lastElementChild;
      this.log.querySelectorAll('.ow-reply').forEach((b) => {
        b.disabled = this.owner === 'closed' || !last || !last.contains(b);
      });
    }

    pendingBubble(body, shown) {
      const node = this.messageNode({ sender: 'user', text: shown });
      node.setAttribute('data-pending', '');
      Object.assign(node, { owBody: body, owShown: shown, owState: h('span', { class: 'ow-msg__state' }) });
      node.appendChild(node.owState);
      this.log.appendChild(node);
      return node;
    }

    /** state: 'queued' (shows "Sending…"), 'sent', or 'failed' (shows "Not sent"). */
    markBubble(node, state) {
      this.tr(node.owState, { queued: 'sending', failed: 'not_sent' }[state]);
      if (state === 'failed') { node.removeAttribute('data-pending'); node.classList.add('ow-msg--failed'); }
    }

    scrollToEnd(node) {
      // A long message (a checklist) is shown from its top; anything else scrolls to the newest line.
      if (node && node.offsetHeight > this.log.clientHeight) this.log.scrollTop = node.offsetTop - 8;
      else this.log.scrollTop = this.log.scrollHeight;
    }

    // ------------------------------------------------------------- bundle

    renderBundle(bundle) {
      const services = list(bundle.services).filter((s) => typeof s === 'object');
      const byId = new Map(services.map((s) => [s.id, s]));
      // Nest a service under the one that covers it, one level deep (so a cycle can't hide anything).
      const coverer = (s) => {
        const c = s.covered_by != null && s.covered_by !== s.id ? byId.get(s.covered_by) : null;
        return c && !(c.covered_by != null && byId.has(c.covered_by)) ? c : null;
      };
      const top = services.filter((s) => !coverer(s));
      const headingId = uid('bundle');
      this.bundleLang = LANGS.includes(bundle.lang) ? bundle.lang : null;
      const section = h('section', { class: 'ow-bundle', attrs: { 'aria-labelledby': headingId } }, [
        this.tr(h('h3', { class: 'ow-bundle__title', attrs: { id: headingId } }), 'bundle_heading'),
      ]);
      const events = list(bundle.events).map((e) => e.title || e.id).filter(Boolean);
      if (events.length) section.appendChild(this.tr(h('p', { class: 'ow-bundle__for' }), 'bundle_for', { events: events.join(', ') }));
      const understood = this.renderUnderstood(bundle);
      if (understood) section.appendChild(understood);
      // The outline is when to act (the plan's phases, computed once on the server); the order of
      // government is only a label on each step. A bundle without a plan is one list in its order.
      const plan = bundle.plan && typeof bundle.plan === 'object' ? bundle.plan : null;
      const steps = new Map(list(plan && plan.steps).filter((s) => typeof s === 'object').map((s) => [s.id, s]));
      const phases = list(plan && plan.phases).filter((p) => typeof p === 'object');
      const groups = phases.length
        ? phases.map((p) => ({ title: p.title, id: p.id, items: top.filter((s) => (steps.get(s.id) || {}).phase === p.id) }))
        : [{ title: null, id: 'all', items: top }];
      const placed = new Set(groups.flatMap((g) => g.items));
      const rest = top.filter((s) => !placed.has(s));
      if (rest.length) groups.push({ title: null, id: 'other', items: rest });
      for (const group of groups) {
        if (!group.items.length) continue;
        if (group.title) section.appendChild(h('h4', { class: 'ow-phase ow-phase--' + group.id, text: group.title }));
        section.appendChild(h('ol', { class: 'ow-checklist ow-plan', attrs: { 'data-phase': group.id } }, group.items.map((s) => {
          const li = this.serviceItem(s, null, steps.get(s.id));
          const nested = services.filter((c) => coverer(c) === s);
          if (nested.length) li.appendChild(h('ul', { class: 'ow-checklist ow-checklist--nested' }, nested.map((c) => this.serviceItem(c, s, steps.get(c.id)))));
          return li;
        })));
      }
      const questions = list(bundle.questions).filter((q) => q.text);
      if (questions.length) {
        section.append(this.tr(h('p', { class: 'ow-bundle__q' }), 'questions_heading'),
          h('ul', { class: 'ow-questions' }, questions.map((q) => h('li', { text: q.text }))));
      }
      const printUrl = safeUrl(bundle.print_url, this.cfg.api + '/');
      if (printUrl) section.appendChild(h('p', { class: 'ow-print' }, [this.newTabLink(this.t('print'), printUrl)]));
      if (printUrl && this.convId) section.appendChild(this.renderKeep());
      return section;
    }

    /** Tell us once and come back later: the notification package, the deadlines as a calendar file,
     * a link to keep, and (with consent) the package on the person's case for the agent. */
    renderKeep() {
      const base = this.cfg.api + '/conversations/' + encodeURIComponent(this.convId);
      const box = h('div', { class: 'ow-keep' });
      box.append(
        h('p', { class: 'ow-keep__links' }, [
          this.newTabLink(this.t('package_link'), base + '/package'), ' · ',
          h('a', { class: 'ow-keep__ics', text: this.t('calendar_link'), attrs: { href: base + '/calendar.ics', download: 'onewindow-deadlines.ics' } }),
        ]));
      const status = h('p', { class: 'ow-keep__status', attrs: { role: 'status', 'aria-live': 'polite' } });
      const keep = h('button', { class: 'ow-reply ow-keep__link', text: this.t('keep_link'), attrs: { type: 'button' } });
      keep.addEventListener('click', async () => {
        keep.disabled = true;
        const res = await this.request('POST', this.path('/plan-link'));
        if (!res || !res.ok || !res.data.url) { status.textContent = this.t('keep_failed'); keep.disabled = false; return; }
        const url = safeUrl(res.data.url, this.cfg.api + '/');
        status.textContent = '';
        status.append(this.t('keep_done', { date: String(res.data.expires_at || '').slice(0, 10) }), ' ', url ? this.newTabLink(url, url) : '');
      });
      const consentId = uid('consent');
      const consent = h('input', { attrs: { type: 'checkbox', id: consentId } });
      const attach = h('button', { class: 'ow-reply ow-keep__attach', text: this.t('attach_button'), attrs: { type: 'button' } });
      attach.addEventListener('click', async () => {
        if (!consent.checked) { status.textContent = this.t('attach_needs_consent'); consent.focus(); return; }
        const res = await this.request('POST', this.path('/package/attach'), { consent: true });
        status.textContent = res && res.ok ? this.t('attach_done') : (res && res.status === 409 ? this.t('attach_no_case') : this.t('keep_failed'));
      });
      box.append(h('p', {}, [keep]),
        h('p', { class: 'ow-keep__consent' }, [consent, ' ', h('label', { text: this.t('attach_consent'), attrs: { for: consentId } }), ' ', attach]),
        status);
      return box;
    }

    /** "What I understood": each fact the person gave (or that follows from it), with a way to correct it. */
    renderUnderstood(bundle) {
      const items = list(bundle.understood).filter((u) => typeof u === 'object' && u.question && u.answer != null);
      if (!items.length) return null;
      const headingId = uid('understood');
      const box = h('section', { class: 'ow-understood', attrs: { 'aria-labelledby': headingId } }, [
        this.tr(h('h4', { class: 'ow-understood__title', attrs: { id: headingId } }), 'understood_heading'),
      ]);
      box.appendChild(h('ul', { class: 'ow-understood__list' }, items.map((u) => {
        const li = h('li', { class: 'ow-understood__item', attrs: { 'data-fact': u.fact } }, [
          h('span', { class: 'ow-understood__q', text: u.question }), ' ',
          h('strong', { class: 'ow-understood__a', text: u.answer }),
          u.implied ? ' ' : null, u.implied ? this.tr(h('span', { class: 'ow-understood__implied' }), 'understood_implied') : null, ' ',
        ]);
        const options = list(u.options).filter((o) => typeof o === 'object' && o.payload);
        const choices = h('span', { class: 'ow-understood__choices', attrs: { hidden: true } }, options.map((o) => h('button', {
          class: 'ow-reply ow-understood__choice', text: String(o.label || o.value), attrs: { type: 'button' },
          on: { click: () => { this.titles.set(String(o.payload), String(o.label || o.value)); this.sendItem({ payload: String(o.payload) }, String(o.label || o.value)); } },
        })));
        const change = this.tr(h('button', { class: 'ow-understood__change', attrs: { type: 'button', 'aria-expanded': 'false' } }), 'understood_change');
        change.addEventListener('click', () => {
          if (options.length) {
            const open = choices.hasAttribute('hidden');
            if (open) choices.removeAttribute('hidden'); else choices.setAttribute('hidden', '');
            change.setAttribute('aria-expanded', String(open));
          } else { // a place or a date: the person says the right one in their own words
            this.input.placeholder = this.t('understood_type_hint');
            this.input.focus();
          }
        });
        li.append(change, ' ', choices);
        return li;
      })));
      return box;
    }

    serviceItem(s, coveredBy, step) {
      const url = safeUrl(s.url);
      const name = String(s.name || s.id || '');
      const maybe = s.status === 'may_apply';
      // Catalogue text missing in the conversation's language falls back to English: say so, never silently.
      const textLang = LANGS.includes(s.text_lang) ? s.text_lang : null;
      const fallback = textLang && textLang !== (this.bundleLang || this.lang);
      const li = h('li', { class: 'ow-service' + (maybe ? ' ow-service--maybe' : '') + (fallback ? ' ow-service--fallback' : ''), attrs: { 'data-service': s.id, 'data-phase': step && step.phase } }, [
        h('p', { class: 'ow-service__head' }, [
          h('span', { class: 'ow-box', attrs: { 'aria-hidden': 'true' } }),
          h('strong', { class: 'ow-service__name', attrs: { lang: fallback ? textLang : null } }, [url ? this.newTabLink(name, url) : name]), ' ',
          fallback ? this.tr(h('span', { class: 'ow-fallback' }), 'only_in_' + textLang) : null, fallback ? ' ' : null,
          this.tr(h('span', { class: 'ow-badge ow-badge--' + (maybe ? 'maybe' : 'applies') }), maybe ? 'status_may_apply' : 'status_applies'),
        ]),
      ]);
      const line = (key, vars, cls) => li.appendChild(this.tr(h('p', { class: 'ow-service__line ' + (cls || '') }), key, vars));
      const sublist = (key, items) => {
        if (!items.length) return;
        line(key, null, 'ow-service__sub');
        li.appendChild(h('ul', { class: 'ow-service__list' }, items));
      };
      if (coveredBy) line('included_in', { name: coveredBy.name || coveredBy.id }, 'ow-included');
      if (s.organisation && s.organisation.name) {
        const level = LEVELS.includes(s.level) ? this.t('level_label_' + s.level) : '';
        line('organisation_label', { name: s.organisation.name, level }, 'ow-service__label');
      }
      if (step && !coveredBy) {
        const why = list(step.reasons).map((r) => r && r.text).filter(Boolean).join(' · ');
        if (why) line('when', { text: why }, 'ow-service__when');
      }
      if (s.reason) line('reason', { reason: s.reason });
      if (s.deadline && (s.deadline.text || s.deadline.date)) li.appendChild(this.deadlineLine(s.deadline));
      if (s.fee && s.fee.text) line('fee', { text: s.fee.text });
      sublist('documents', list(s.documents).map((d) => h('li', { text: d })));
      sublist('channels', list(s.channels).filter((c) => typeof c === 'object').map((c) => this.channelItem(c)));
      return li;
    }

    deadlineLine(deadline) {
      const p = h('p', { class: 'ow-service__line ow-deadline' });
      if (deadline.text) p.appendChild(this.tr(h('span'), 'deadline', { text: deadline.text }));
      const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(deadline.date || '');
      if (!m) return p;
      let shown = m[0];
      try { // a local date from its parts: parsing "YYYY-MM-DD" as UTC shows the day before in Ontario
        shown = new Intl.DateTimeFormat(this.strings._content_lang || this.lang, { dateStyle: 'long' })
          .format(new Date(+m[1], +m[2] - 1, +m[3]));
      } catch (e) { /* keep ISO */ }
      p.append(' ', h('strong', { class: 'ow-deadline__date' }, [
        this.tr(h('time', { attrs: { datetime: m[0] } }), 'deadline_date', { date: shown })]));
      return p;
    }

    channelItem(c) {
      const typeKey = 'channel_' + c.type;
      const li = h('li');
      if (this.strings[typeKey] != null) li.append(this.tr(h('span'), typeKey), ': ');
      const label = c.label ? String(c.label) : '';
      const url = safeUrl(c.url);
      if (url) li.appendChild(this.newTabLink(label || url, url));
      else if (label) li.append(label);
      if (c.phone) {
        if (url || label) li.append(' — ');
        const digits = String(c.phone).split(/ext/i)[0].replace(/[^\d+]/g, '');
        li.append(digits ? h('a', { text: c.phone, attrs: { href: 'tel:' + digits } }) : String(c.phone));
      }
      return li;
    }

    // ---------------------------------------------------------- transport

    path(suffix) { return '/api/conversations/' + encodeURIComponent(this.convId) + suffix; }

    /** {ok, status, data}, or null when the server could not be reached (network error or timeout). */
    async request(method, path, body) {
      const ctrl = new AbortController();
      const timer = setTimeout(() => ctrl.abort(), REQUEST_TIMEOUT_MS);
      const headers = Object.assign({ Accept: 'application/json' }, body ? { 'Content-Type': 'application/json' } : {});
      try {
        const res = await fetch(this.cfg.api + path, { method, headers, body: body && JSON.stringify(body), signal: ctrl.signal });
        const data = await res.json().catch(() => null); // empty or non-JSON body
        const retryAfter = Number(res.headers.get('Retry-After'));
        return { ok: res.ok, status: res.status, data: data || {}, retryAfter: retryAfter > 0 ? retryAfter : null };
      } catch (e) {
        return null;
      } finally {
        clearTimeout(timer);
      }
    }

    /** Apply a {messages, owner} payload from any transport. */
    applyBatch(data, live) {
      const msgs = list(data.messages).sort((a, b) => (Number(a.seq) || 0) - (Number(b.seq) || 0));
      let last = null;
      for (const m of msgs) {
        const before = this.log.childElementCount;
        this.renderMessage(m, live);
        if (m.sender !== 'user' && this.log.childElementCount > before) { last = this.log.lastElementChild; this.hideTyping(); }
      }
      if (data.owner) this.setOwner(data.owner);
      if (LANGS.includes(data.lang) && data.lang !== this.lang) this.setLang(data.lang, true);
      this.refreshReplies();
      if (msgs.length) this.scrollToEnd(last);
    }

    /** Resume the stored conversation (reload) or create one; retries with backoff while the server is away. */
    async startConversation(fresh) {
      clearTimeout(this.startTimer);
      if (this.starting) return;
      this.starting = true;
      if (!this.connState) this.setConn('connecting');
      const saved = this.store.get();
      try {
        if (!fresh && saved.id && await this.resume(saved.id)) return;
        const r = await this.request('POST', '/api/conversations', this.langChosen ? { lang: this.lang } : {});
        if (!r || !r.ok || !r.data.id) throw new Error('could not create a conversation: ' + (r ? r.status : 'network'));
        this.convId = String(r.data.id);
        this.store.set({ id: this.convId });
        this.netOk();
        this.applyBatch(r.data, true);
        this.openTransport();
      } catch (e) {
        console.warn('[onewindow]', e);
        this.netFail();
        this.showError(this.t('error_start'));
        this.startTimer = setTimeout(() => this.startConversation(fresh), Math.min(30000, 2000 * this.failures));
      } finally {
        this.starting = false;
      }
    }

    /** True if resumed; false if the server no longer knows it (start a new one); throws if unreachable. */
    async resume(id) {
      this.convId = id;
      const r = await this.request('GET', this.path('/messages?after=0'));
      if (!r || r.status >= 500 || r.status === 408 || r.status === 429) throw new Error('could not resume');
      if (!r.ok) { this.convId = null; return false; }
      this.netOk();
      this.applyBatch(r.data, false);
      this.scrollToEnd();
      this.openTransport();
      return true;
    }

    openTransport() {
      if (this.errorEl.textContent === this.t('error_start')) this.showError('');
      this.connectWs();
      this.pump(); // anything typed before the conversation existed
    }

    wsIsOpen() { return !!this.ws && this.ws.readyState === 1; }

    connectWs() {
      clearTimeout(this.wsTimer);
      if (!this.convId || this.owner === 'closed' || this.ws) return;
      if (typeof WebSocket !== 'function') return this.schedulePoll(); // HTTP only
      let ws;
      try { ws = new WebSocket(this.cfg.api.replace(/^http/, 'ws') + this.path('/ws')); } catch (e) { return this.wsLost(); }
      this.ws = ws;
      const openTimer = setTimeout(() => ws.close(), WS_OPEN_TIMEOUT_MS);
      ws.onopen = () => {
        clearTimeout(openTimer);
        this.wsAttempts = 0;
        this.stopPolling();
        this.netOk();
        this.catchUp(); // messages sent while we were away are not replayed by the socket
        this.pump();
      };
      ws.onmessage = (ev) => this.onWsEvent(ev.data);
      ws.onclose = () => {
        clearTimeout(openTimer);
        if (this.ws !== ws) return; // closed on purpose
        this.ws = null;
        this.wsLost();
      };
    }

    /** Keep chatting over HTTP at once, and retry the socket with capped exponential backoff. */
    wsLost() {
      if (this.owner === 'closed') return;
      this.schedulePoll(0); // its result sets the status: HTTP alone still counts as "Connected"
      this.requeueUnconfirmed();
      this.pump();
      const delay = Math.min(WS_BACKOFF_MAX_MS, 1000 * Math.pow(2, this.wsAttempts++)) * (0.5 + Math.random() / 2);
      this.wsTimer = setTimeout(() => this.connectWs(), delay);
    }

    reconnectNow() {
      this.wsAttempts = 0;
      if (!this.convId) return this.isVisible() && this.startConversation(false);
      this.connectWs();
      this.schedulePoll(0);
      this.pump();
    }

    onWsEvent(raw) {
      let ev;
      try { ev = JSON.parse(raw); } catch (e) { return; }
      if (ev && ev.type === 'message') this.applyBatch({ messages: [ev.message] }, true);
      else if (ev && ev.type === 'owner') this.setOwner(ev.owner);
      else if (ev && ev.type === 'lang' && LANGS.includes(ev.lang) && ev.lang !== this.lang) this.setLang(ev.lang, true);
    }

    async catchUp() {
      const id = this.convId;
      if (!id) return;
      const r = await this.request('GET', this.path('/messages?after=' + this.lastSeq));
      if (id !== this.convId) return; // a new conversation started meanwhile
      if (!r) this.netFail();
      else if (r.ok) {
        this.netOk();
        this.applyBatch(r.data, true);
        if (this.outbox.length) this.pump(); // the server is reachable again: send what waited
      } else if (r.status === 404 || r.status === 410) this.gone();
      else this.netFail();
    }

    shouldPoll() { return !!this.convId && !this.wsIsOpen() && this.owner !== 'closed' && this.isVisible(); }

    /** Poll every POLL_MS while the socket is down and the chat is visible; never two at once. */
    schedulePoll(delay) {
      if (this.pollTimer || !this.shouldPoll()) return;
      this.pollTimer = setTimeout(async () => {
        await this.catchUp();
        this.pollTimer = null;
        this.schedulePoll();
      }, delay == null ? POLL_MS : delay);
    }

    stopPolling() { clearTimeout(this.pollTimer); this.pollTimer = null; }

    gone() {
      this.store.clear({ uiLang: this.lang });
      this.closeConversation('conversation_gone');
    }

    // ------------------------------------------------------------- sending

    /** Show the message at once and queue it; the outbox keeps order across reconnects. */
    sendItem(body, shown) {
      if (this.owner === 'closed') return;
      body = Object.assign({}, body, { client_message_id: messageId() }); // kept by every resend of it
      this.outbox.push({ body, bubble: this.pendingBubble(body, shown) });
      this.refreshReplies();
      this.scrollToEnd();
      if (!this.convId) this.startConversation(false);
      this.pump();
    }

    async pump() {
      if (this.pumping || !this.convId || this.owner === 'closed') return;
      const outbox = this.outbox; // a new conversation replaces it: then this loop just stops
      this.pumping = true;
      clearTimeout(this.retryTimer);
      while (outbox.length) {
        const item = outbox[0];
        if (this.owner === 'bot') this.showTyping();
        const result = await this.deliver(item.body);
        if (outbox !== this.outbox) return; // leave the new conversation's state alone
        if (result === 'retry') { this.hideTyping(); this.markBubble(item.bubble, 'queued'); break; }
        outbox.splice(outbox.indexOf(item), 1); // by identity: a lost socket may have put items before it
        if (result === 'sent-ws') this.unconfirmed = this.unconfirmed.filter((i) => i.bubble.hasAttribute('data-pending')).concat(item);
        this.markBubble(item.bubble, result === 'sent-ws' ? 'sent' : result);
        if (result === 'failed') {
          this.hideTyping();
          // Give the text back so the person can shorten or fix it.
          if (item.body.text && !this.input.value) { this.input.value = item.body.text; this.updateCounter(); }
        }
      }
      this.pumping = false;
      if (outbox.length) this.retryTimer = setTimeout(() => this.pump(), Math.min(30000, 2000 * Math.max(1, this.failures)));
    }

    /** 'sent' | 'sent-ws' (over the socket: confirmed by its echo) | 'failed' (the server refused it:
     * don't resend) | 'retry' (network or server trouble: it waits in the outbox). A message whose fate
     * is unknown (no answer, a 502/503/504, or 409 "still being answered") is sent again at once a few
     * times, with backoff and the same id, so the server answers it once and nothing shows twice. */
    async deliver(body) {
      if (this.wsIsOpen()) {
        try { this.ws.send(JSON.stringify(Object.assign({ type: 'message' }, body))); return 'sent-ws'; } catch (e) { /* use HTTP */ }
      }
      const path = this.path('/messages'); // this conversation's, even if a new one starts meanwhile
      for (let attempt = 1; ; attempt++) {
        const r = await this.request('POST', path, body);
        const result = this.deliveryResult(r);
        if (result !== 'again') return result;
        if (attempt >= SEND_ATTEMPTS || path !== this.path('/messages')) return 'retry';
        const wait = Math.max(1000 * ((r && r.retryAfter) || 0), SEND_BACKOFF_MS * Math.pow(2, attempt - 1));
        await sleep(Math.min(SEND_BACKOFF_MAX_MS, wait) * (0.75 + Math.random() / 2));
      }
    }

    /** What the answer to one POST of a message means; 'again': send it again (same id) soon. */
    deliveryResult(r) {
      if (!r) { this.netFail(); return 'again'; }
      if (r.ok) {
        this.netOk();
        this.applyBatch(r.data, true);
        this.hideTyping(); // the HTTP reply is complete
        return 'sent';
      }
      if (r.status === 404 || r.status === 410) { this.gone(); return 'failed'; }
      if (r.status === 409 && r.retryAfter) return 'again'; // still being answered (another copy)
      if (RESEND_STATUSES.includes(r.status)) { this.netFail(); return 'again'; }
      if (r.status >= 400 && r.status < 500 && r.status !== 408 && r.status !== 429) {
        // 413/422 etc.: show the server's reason when it is plain text (FastAPI's 422 detail is a list).
        this.showError(typeof r.data.detail === 'string' && r.data.detail ? r.data.detail : this.t('error_rejected'));
        return 'failed';
      }
      this.netFail();
      return 'retry';
    }

    /** Messages sent over a socket that closed before their echo came back may have died with
     * its replica: they go out again (first, in order) with the same id, answered once. */
    requeueUnconfirmed() {
      const lost = this.unconfirmed.filter((item) => item.bubble.hasAttribute('data-pending'));
      this.unconfirmed = [];
      lost.forEach((item) => this.markBubble(item.bubble, 'queued'));
      this.outbox.unshift(...lost.filter((item) => !this.outbox.includes(item)));
    }

    newConversation() {
      clearTimeout(this.startTimer);
      clearTimeout(this.retryTimer);
      this.stopPolling();
      if (this.ws) { const ws = this.ws; this.ws = null; ws.close(); }
      this.store.clear({ uiLang: this.lang, open: !this.inline });
      this.resetState();
      this.log.textContent = '';
      this.tr(this.ownerEl, null);
      this.showError('');
      this.input.disabled = this.sendBtn.disabled = this.humanBtn.disabled = false;
      this.newBtn.hidden = true;
      this.titles.set('/request_human', this.t('talk_to_person'));
      this.input.focus();
      this.startConversation(true);
    }
  }

  // ------------------------------------------------------------------ boot

  function boot() {
    if (window.OneWindowChat) return;
    const el = document.getElementById('onewindow-chat');
    const container = el && el.getAttribute('data-mode') !== 'floating' ? el : null;
    const widget = new ChatWidget(container, readConfig(el));
    window.OneWindowChat = widget; // for debugging and tests
    widget.init();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
  else boot();
})();
