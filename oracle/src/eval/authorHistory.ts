/** One earlier submission of an author, as the velocity check needs it. */
export interface AuthorSubmission {
  readonly id: string;
  readonly signature: Uint32Array;
}

/** What fraud checks read about an author's earlier submissions. */
export interface AuthorHistoryLookup {
  /** The author's most recent submissions, oldest first. */
  recent(author: string): readonly AuthorSubmission[];
}

/** An author history that also records new submissions. */
export interface AuthorHistoryRegistry extends AuthorHistoryLookup {
  record(author: string, submission: AuthorSubmission): void;
}

/**
 * Keeps each author's last `window` submissions in memory. "Recent" is counted in submissions,
 * not in wall-clock time, so that every node reaches the same verdict from the same sequence
 * of submissions. Authors are compared case-insensitively (addresses in any checksum case).
 */
export class InMemoryAuthorHistory implements AuthorHistoryRegistry {
  readonly window: number;
  private readonly byAuthor = new Map<string, AuthorSubmission[]>();

  constructor(options: { window?: number } = {}) {
    this.window = options.window ?? 50;
  }

  recent(author: string): readonly AuthorSubmission[] {
    return this.byAuthor.get(author.toLowerCase()) ?? [];
  }

  /** Records a submission; recording an id again replaces its entry in place. */
  record(author: string, submission: AuthorSubmission): void {
    const key = author.toLowerCase();
    const list = this.byAuthor.get(key) ?? [];
    const existing = list.findIndex((entry) => entry.id === submission.id);
    if (existing !== -1) {
      list[existing] = submission;
    } else {
      list.push(submission);
      if (list.length > this.window) list.splice(0, list.length - this.window);
    }
    this.byAuthor.set(key, list);
  }
}
