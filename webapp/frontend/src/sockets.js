// Websocket addresses on the page's own host: wss behind https, so a socket is as private as
// the page that opened it.
export function socketUrl(path) {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${window.location.host}${path}`;
}
