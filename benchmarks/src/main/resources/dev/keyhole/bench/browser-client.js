// The benchmark's browser-like client (docs/benchmarks.md): what a browser's guacamole-common-js does with each
// message of a Guacamole tunnel, on Node.js with the "ws" package (guacamole-lite's install brings it).
//
// Each message arrives as text and is decoded to a JavaScript string; its instructions are parsed as
// Guacamole.Parser (1.5) parses them, element lengths counting Unicode code points; each "sync" is answered with
// a "sync" as Guacamole.Client answers it; and every 500 ms the tunnel sends its "ping", as
// Guacamole.WebSocketTunnel does. The handshake offers what browsers offer (ws's defaults: permessage-deflate)
// and an Origin. Nothing is drawn.
//
// The Java side starts the gateways and drives this script with one JSON command per line on stdin; each gets
// one JSON line on stdout:
//   {"stream": [URL, ...], "keys": URL or null, "cookie": HEADER or null}
//       opens the key session (if any) and waits for its stream (empty) to end, then opens every stream session
//       at once and, until all their streams ended, presses keys on the key session one after the other, one
//       every 10 ms at most.
//       -> {"sessions": [{"bytes", "messages", "ttfbNs", "firstByteNs", "endNs"}], "keysNs": [...],
//           "extensions": the WebSocket extensions the first session's handshake agreed on}
//   {"press": N}   presses a key, then N keys timed, on the first stream session, one after the other
//       -> {"firstKeyNs": the first one's round trip, "keysNs": [...]}
//   {"close": true} closes the sessions -> {"closed": N}
// A stream ends with the first "nop" (the stand-in's end marker). Bytes and messages are counted for the
// stream's messages, not the gateways' own ("0.,…": the tunnel's id, pings).
'use strict';

const WebSocket = require('ws');
const readline = require('readline');

const PING_MILLIS = 500; // Guacamole.WebSocketTunnel's PING_FREQUENCY
const FIRST_KEYSYM = 200000;
const KEY_PACE_MILLIS = 10; // the key session's keys while the others stream: one every 10 ms at most

/** Guacamole.Parser of guacamole-common-js 1.5, streaming: instructions may be split across messages. */
class Parser {
    constructor(onInstruction) {
        this.onInstruction = onInstruction;
        this.buffer = '';
        this.elements = [];
        this.elementEnd = -1;
        this.startIndex = 0;
        this.elementCodepoints = 0;
    }

    receive(packet) {
        if (this.startIndex > 4096 && this.elementEnd >= this.startIndex) {
            this.buffer = this.buffer.substring(this.startIndex);
            this.elementEnd -= this.startIndex;
            this.startIndex = 0;
        }
        this.buffer = this.buffer.length ? this.buffer + packet : packet;
        while (this.elementEnd < this.buffer.length) {
            if (this.elementEnd >= this.startIndex) {
                const codepoints = codePointCount(this.buffer, this.startIndex, this.elementEnd);
                if (codepoints < this.elementCodepoints) {
                    this.elementEnd += this.elementCodepoints - codepoints;
                    continue;
                }
                if (this.elementCodepoints && this.buffer.codePointAt(this.elementEnd - 1) >= 0x10000) {
                    this.elementEnd++;
                    continue;
                }
                this.elements.push(this.buffer.substring(this.startIndex, this.elementEnd));
                const terminator = this.buffer.substring(this.elementEnd, this.elementEnd + 1);
                if (terminator === ';') {
                    const opcode = this.elements.shift();
                    const args = this.elements;
                    this.elements = [];
                    if (this.elementEnd + 1 === this.buffer.length) {
                        this.elementEnd = -1;
                        this.buffer = '';
                    }
                    this.onInstruction(opcode, args);
                } else if (terminator !== ',') {
                    throw new Error('Element terminator of instruction was not ";" nor ",".');
                }
                this.startIndex = this.elementEnd + 1;
            }
            const lengthEnd = this.buffer.indexOf('.', this.startIndex);
            if (lengthEnd === -1) {
                this.startIndex = this.buffer.length;
                break;
            }
            this.elementCodepoints = parseInt(this.buffer.substring(this.elementEnd + 1, lengthEnd));
            if (isNaN(this.elementCodepoints)) {
                throw new Error('Non-numeric character in element length.');
            }
            this.startIndex = lengthEnd + 1;
            this.elementEnd = this.startIndex + this.elementCodepoints;
        }
    }
}

/** Guacamole.Parser.codePointCount: the string's length less its surrogate pairs. */
function codePointCount(text, start, end) {
    const part = text.substring(start, end);
    const pairs = part.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g);
    return part.length - (pairs ? pairs.length : 0);
}

function instruction(...elements) {
    return elements.map(e => `${codePointCount(String(e), 0)}.${e}`).join(',') + ';';
}

let nextKeysym = FIRST_KEYSYM;

/** One tunnel: a WebSocket, its parser, its counts, and the key presses waiting for their echo. */
class Tunnel {
    constructor(url, cookie) {
        this.bytes = 0;
        this.messages = 0;
        this.openedNs = process.hrtime.bigint();
        this.firstByteNs = 0n;
        this.endNs = 0n;
        this.currentTimestamp = null;
        this.echo = null; // {keysym, sentNs, resolve}
        this.ended = new Promise((resolve, reject) => {
            this.endedResolve = resolve;
            this.failed = reject;
        });
        const headers = cookie ? {Cookie: cookie} : {};
        this.socket = new WebSocket(url, 'guacamole', {headers, origin: new URL(url).origin.replace(/^ws/, 'http')});
        this.parser = new Parser((opcode, args) => this.instruction(opcode, args));
        this.socket.on('message', (data, isBinary) => this.message(data, isBinary));
        this.socket.on('open', () => {
            this.ping = setInterval(() => this.send(instruction('', 'ping', Date.now())), PING_MILLIS);
        });
        this.socket.on('error', error => this.failed(error));
        this.socket.on('close', (code, reason) => {
            clearInterval(this.ping);
            this.failed(new Error(`the WebSocket closed: ${code} ${reason}`));
        });
    }

    message(data, isBinary) {
        const text = isBinary ? data.toString('utf8') : data.toString();
        const now = process.hrtime.bigint();
        const own = text.startsWith('0.,');
        if (!own && this.endNs === 0n) {
            if (this.firstByteNs === 0n) {
                this.firstByteNs = now;
            }
            this.bytes += data.length;
            this.messages++;
        }
        this.parser.receive(text);
    }

    instruction(opcode, args) {
        if (opcode === 'sync') {
            const timestamp = parseInt(args[0]);
            if (timestamp !== this.currentTimestamp) {
                this.send(instruction('sync', timestamp));
                this.currentTimestamp = timestamp;
            }
            if (this.echo !== null && args[0] === this.echo.keysym) {
                const echo = this.echo;
                this.echo = null;
                echo.resolve(process.hrtime.bigint() - echo.sentNs);
            }
        } else if (opcode === 'nop' && this.endNs === 0n) {
            this.endNs = process.hrtime.bigint();
            this.endedResolve();
        }
    }

    send(text) {
        if (this.socket.readyState === WebSocket.OPEN) {
            this.socket.send(text);
        }
    }

    /** Presses one key and resolves with the nanoseconds until its echo. */
    press() {
        const keysym = String(nextKeysym++);
        return new Promise(resolve => {
            this.echo = {keysym, sentNs: process.hrtime.bigint(), resolve};
            this.send(instruction('key', keysym, 1));
        });
    }

    figures() {
        return {bytes: this.bytes, messages: this.messages, ttfbNs: Number(this.firstByteNs - this.openedNs),
            firstByteNs: Number(this.firstByteNs), endNs: Number(this.endNs)};
    }

    close() {
        clearInterval(this.ping);
        this.socket.removeAllListeners('close');
        this.socket.on('error', () => {});
        this.socket.close();
    }
}

let open = [];

async function stream(command) {
    let keyTunnel = null;
    if (command.keys) {
        keyTunnel = new Tunnel(command.keys, command.cookie);
        await keyTunnel.ended;
    }
    const tunnels = command.stream.map(url => new Tunnel(url, command.cookie));
    open = keyTunnel ? [...tunnels, keyTunnel] : tunnels;
    let streaming = true;
    const allEnded = Promise.all(tunnels.map(t => t.ended)).finally(() => { streaming = false; });
    const keysNs = [];
    while (keyTunnel && streaming) {
        const pressed = Date.now();
        keysNs.push(Number(await keyTunnel.press()));
        // A fast typist's pace: keys back to back would take this one event loop from the streams.
        const rest = KEY_PACE_MILLIS - (Date.now() - pressed);
        if (rest > 0) {
            await new Promise(resolve => setTimeout(resolve, rest));
        }
    }
    await allEnded;
    return {sessions: tunnels.map(t => t.figures()), keysNs, extensions: tunnels[0].socket.extensions};
}

async function press(count) {
    // The first key's echo comes once the gateway passed on all the stream's sync answers (the replay's frames
    // come far faster than a console's): it is reported on its own, and the keys after it are timed.
    const firstKeyNs = Number(await open[0].press());
    const keysNs = [];
    for (let i = 0; i < count; i++) {
        keysNs.push(Number(await open[0].press()));
    }
    return {firstKeyNs, keysNs};
}

async function run(command) {
    if (command.stream) {
        return stream(command);
    }
    if (command.press !== undefined) {
        return press(command.press);
    }
    if (command.close) {
        open.forEach(t => t.close());
        const closed = open.length;
        open = [];
        return {closed};
    }
    throw new Error('unknown command ' + JSON.stringify(command));
}

let queue = Promise.resolve();
readline.createInterface({input: process.stdin}).on('line', line => {
    queue = queue.then(() => run(JSON.parse(line)))
        .then(answer => process.stdout.write(JSON.stringify(answer) + '\n'),
            error => process.stdout.write(JSON.stringify({error: String(error && error.stack || error)}) + '\n'));
}).on('close', () => queue.then(() => process.exit(0)));
