// Backend calls of 引き継ぎ: this laptop's card, colleagues' cards, a caseload sealed to a
// colleague, a colleague's package taken, the receipt imported, the record.
// Everything goes through api.js's invokeCommand, the one door to window.__TAURI__.

/** @typedef {import("./api-types").HandoverRecord} HandoverRecord */
/** @typedef {import("./api-types").HandoverRequest} HandoverRequest */
/** @typedef {import("./api-types").HandoverWritten} HandoverWritten */
/** @typedef {import("./api-types").KnownLaptop} KnownLaptop */
/** @typedef {import("./api-types").Merge} Merge */
/** @typedef {import("./api-types").MyCard} MyCard */
/** @typedef {import("./api-types").PackageSummary} PackageSummary */
/** @typedef {import("./api-types").PackageTaken} PackageTaken */
/** @typedef {import("./api-types").Written} Written */

import { invokeCommand as call, listenEvent } from "./api.js";

/** @returns {Promise<MyCard>} */
export const myLaptopCard = () => call("my_laptop_card");

/**
 * Writes this laptop's card, named `label`, into `folder` ("" for the backup folder).
 * Rejects with `required` (field label) or `backup_folder`.
 * @param {string} label @param {string} folder @returns {Promise<Written>}
 */
export const writeLaptopCard = (label, folder) => call("write_laptop_card", { label, folder });

/**
 * Rejects with `fingerprint_mismatch` (field fingerprint), `own_card` or `handover_unreadable`.
 * @param {string} path @param {string} fingerprint @returns {Promise<KnownLaptop>}
 */
export const importLaptopCard = (path, fingerprint) => call("import_laptop_card", { path, fingerprint });

/** @returns {Promise<KnownLaptop[]>} */
export const knownLaptops = () => call("known_laptops");

/**
 * Rejects with `fingerprint_mismatch` (field typedFingerprint), `handover_salon_open`,
 * `nothing_to_hand_over` or `backup_folder`.
 * @param {HandoverRequest} request @param {string} myLabel @param {string} folder
 * @returns {Promise<HandoverWritten>}
 */
export const sealHandover = (request, myLabel, folder) => call("seal_handover", { request, myLabel, folder });

/** Writes nothing. @param {string} path @returns {Promise<PackageSummary>} */
export const openPackage = (path) => call("open_package", { path });

/** @param {string} path @param {Merge[]} merges @returns {Promise<PackageTaken>} */
export const acceptPackage = (path, merges) => call("accept_package", { path, merges });

/** @param {string} path @returns {Promise<HandoverRecord>} */
export const importReceipt = (path) => call("import_receipt", { path });

/** @param {string} id @returns {Promise<HandoverRecord>} */
export const cancelHandover = (id) => call("cancel_handover", { id });

/** @param {string} id @returns {Promise<HandoverRecord>} */
export const endCover = (id) => call("end_cover", { id });

/** @param {string} id @param {string} folder @returns {Promise<Written>} */
export const writeReceiptAgain = (id, folder) => call("write_receipt_again", { id, folder });

/** @returns {Promise<HandoverRecord[]>} */
export const listHandovers = () => call("list_handovers");

/**
 * The OS's file picker for a card, a package or a receipt. Null when cancelled.
 * @param {string} title @param {string} filterName @param {"card"|"package"|"receipt"} kind
 * @returns {Promise<string|null>}
 */
export const pickHandoverFile = (title, filterName, kind) => call("pick_handover_file", { title, filterName, kind });

// Through headquarters (事務局経由).

/** @typedef {import("./api-types").RelayColleague} RelayColleague */
/** @typedef {import("./api-types").RelayedToMe} RelayedToMe */

/** Headquarters' list, read now. @returns {Promise<RelayColleague[]>} */
export const relayColleagues = () => call("relay_colleagues");

/**
 * Rejects with `fingerprint_mismatch` (field typedFingerprint), `handover_salon_open`,
 * `nothing_to_hand_over`, `not_enrolled` or a headquarters error.
 * @param {number} device @param {HandoverRequest} request @param {string} myLabel
 * @returns {Promise<HandoverRecord>}
 */
export const sealForRelay = (device, request, myLabel) => call("seal_for_relay", { device, request, myLabel });

/** @returns {Promise<RelayedToMe[]>} */
export const relayedToMe = () => call("relayed_to_me");

/** @typedef {import("./api-types").RelayNews} RelayNews */

/** Sent handovers a sync settled or ended since 引き継ぎ was last opened. @returns {Promise<RelayNews>} */
export const relayNews = () => call("relay_news");

/** 引き継ぎ was opened: what it shows is no longer news. @returns {Promise<void>} */
export const relayNewsSeen = () => call("relay_news_seen");

/** Asks headquarters now. @returns {Promise<import("./api-types").RelayChecked>} */
export const checkRelay = () => call("check_relay");

/** Rejects with `fingerprint_mismatch` (field fingerprint). @param {string} id @param {string} fingerprint @returns {Promise<KnownLaptop>} */
export const trustRelayedSender = (id, fingerprint) => call("trust_relayed_sender", { id, fingerprint });

/** Writes nothing. @param {string} id @returns {Promise<PackageSummary>} */
export const openRelayed = (id) => call("open_relayed", { id });

/** @param {string} id @param {Merge[]} merges @returns {Promise<HandoverRecord>} */
export const acceptRelayed = (id, merges) => call("accept_relayed", { id, merges });

/** @param {string} id @returns {Promise<void>} */
export const declineRelayed = (id) => call("decline_relayed", { id });

/**
 * Subscribes to a relay pass that fetched, settled or ended something (`salon://relayed`).
 * @param {() => void} handler
 * @returns {Promise<TauriUnlisten>}
 */
export const listenRelayed = (handler) => listenEvent("salon://relayed", () => handler());
