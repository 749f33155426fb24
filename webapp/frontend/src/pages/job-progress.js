// A generation job's progress box: state, phase, steps, elapsed time and a bar across the engine's
// phases, live over /ws/jobs/{id}/ (polling when the socket drops), with a cancel button. Server
// text only ever goes in through textContent.
import { api, errorMessage } from "../api.js";
import { socketUrl } from "../sockets.js";

const PHASES = ["loading", "forward", "logit rows", "feature rows", "pruning", "export", "saving"];
export const FINAL = new Set(["succeeded", "failed", "cancelled"]);

export class Progress {
  constructor(root) {
    this.box = root.querySelector("[data-role=progress]");
    this.timer = null;
    this.job = null;
    this.part("cancel").addEventListener("click", () => this.cancel());
  }

  part(role) {
    return this.box.querySelector(`[data-role=${role}]`);
  }

  show(job) {
    this.job = job;
    this.box.hidden = false;
    this.part("state").textContent = job.state;
    this.part("phase").textContent = job.state === "running" ? job.phase : "";
    this.part("steps").textContent = job.total ? `${job.done}/${job.total}` : "";
    this.part("job-error").textContent = job.state === "failed" ? job.error : "";
    this.part("cancel").hidden = FINAL.has(job.state);
    const index = Math.max(0, PHASES.indexOf(job.phase));
    const within = job.total ? job.done / job.total : 0;
    this.part("bar").value = job.state === "succeeded" ? 1 : job.state === "running" ? (index + within) / PHASES.length : 0;
    this.tick();
    if (job.state === "succeeded" && job.graph_url) window.location.assign(job.graph_url);
  }

  tick() {
    clearTimeout(this.timer);
    const job = this.job;
    if (!job || !job.started_at) {
      this.part("elapsed").textContent = "";
      return;
    }
    const end = job.finished_at ? Date.parse(job.finished_at) : Date.now();
    const seconds = Math.max(0, (end - Date.parse(job.started_at)) / 1000);
    this.part("elapsed").textContent = `${seconds.toFixed(1)} s`;
    if (!FINAL.has(job.state)) this.timer = setTimeout(() => this.tick(), 500);
  }

  follow(jobsUrl, jobId) {
    const socket = new WebSocket(socketUrl(`/ws/jobs/${encodeURIComponent(jobId)}/`));
    this.jobUrl = `${jobsUrl}${encodeURIComponent(jobId)}/`;
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(event.data);
      if (message.job) this.show(message.job);
    });
    socket.addEventListener("close", () => {
      // The server closes after a final state; otherwise fall back to polling the job.
      if (this.job && FINAL.has(this.job.state)) return;
      setTimeout(() => this.poll(), 2000);
    });
  }

  async poll() {
    let job = null;
    try {
      job = await api(this.jobUrl);
    } catch {
      // A failed poll is retried like an unfinished job.
    }
    if (job) this.show(job);
    if (!job || !FINAL.has(job.state)) setTimeout(() => this.poll(), 2000);
  }

  async cancel() {
    if (!this.jobUrl) return;
    try {
      this.show(await api(this.jobUrl, { method: "DELETE" }));
    } catch (error) {
      this.part("job-error").textContent = errorMessage(error);
    }
  }
}
