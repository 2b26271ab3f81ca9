package io.procgate.host;

/**
 * Whether a process's history is being written: false while the storage refuses writes (a full
 * disk, an I/O error), when lines go on being numbered and passed to live clients but are not
 * kept. Storing resumes by itself when the storage accepts writes again.
 *
 * @param storing whether lines are kept now
 * @param linesNotKept lines numbered and passed on live but not kept since the gateway started
 * @param error why lines are not kept now, or null while they are
 */
public record HistoryHealth(boolean storing, long linesNotKept, String error) {}
