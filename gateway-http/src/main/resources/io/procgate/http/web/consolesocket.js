// The live console WebSocket of one process, reconnecting by itself. Each (re)connection asks for
// `from` = the next line number the page has not seen, so that a drop loses nothing the history
// still holds and the server sends nothing twice.

import { api } from './api.js';

/** Waits between reconnection attempts, growing; the last one repeats. */
const BACKOFF_MS = [250, 500, 1000, 2000, 4000, 8000];
const CLOSE_POLICY = 1008; // session expired or logged out
const CLOSE_TOO_MANY = 4429; // too many consoles open for this user

export class ConsoleSocket {
  /**
   * handlers: nextFrom() -> the line number to resume at; onEvent(msg) for each server frame;
   * onStatus(status, detail) with status 'connecting' | 'live' | 'retrying' | 'session-ended';
   * onConnect(from) when a connection asking for `from` opens.
   */
  constructor(name, handlers) {
    this.name = name;
    this.handlers = handlers;
    this.ws = null;
    this.attempt = 0;
    this.timer = 0;
    this.stopped = false;
    this.waitingForLogin = false;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.ws) {
      this.ws.onclose = null;
      this.ws.close(1000);
      this.ws = null;
    }
  }

  /** After the person signed in again: connect at once. */
  resume() {
    this.waitingForLogin = false;
    this.attempt = 0;
    clearTimeout(this.timer);
    if (!this.stopped && !this.ws) this.connect();
  }

  connect() {
    if (this.stopped) return;
    const from = this.handlers.nextFrom();
    this.handlers.onStatus('connecting', null);
    const ws = new WebSocket(api.consoleUrl(this.name, from));
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.handlers.onConnect(from);
      this.handlers.onStatus('live', null);
    };
    ws.onmessage = (e) => {
      let msg;
      try {
        msg = JSON.parse(e.data);
      } catch (err) {
        return; // not ours to show
      }
      this.handlers.onEvent(msg);
    };
    ws.onclose = (e) => {
      this.ws = null;
      if (this.stopped) return;
      if (e.code === CLOSE_POLICY) {
        // the session ended, or the gateway is going down and its sessions with it: ask at once
        this.probe('connection lost');
      } else {
        this.retry(e.code === CLOSE_TOO_MANY ? 'too many consoles open' : 'connection lost');
      }
    };
  }

  sessionEnded() {
    this.waitingForLogin = true;
    this.handlers.onStatus('session-ended', null);
  }

  retry(reason) {
    const delay = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
    this.attempt++;
    this.handlers.onStatus('retrying', { reason, delay });
    this.timer = setTimeout(() => this.probe(reason), delay);
  }

  // A refused upgrade looks like any drop to a WebSocket: ask the API whether the session lives.
  async probe(reason) {
    if (this.stopped || this.waitingForLogin) return;
    try {
      await api.session();
    } catch (e) {
      if (e.status === 401) {
        this.sessionEnded();
      } else {
        this.retry(reason);
      }
      return;
    }
    this.connect();
  }
}
