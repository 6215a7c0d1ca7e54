/** Builds a predicate that checks whether a topic belongs to a subscription's topic list or pattern. */
export function topicMatcher(topics: string[] | RegExp): (topic: string) => boolean {
  if (Array.isArray(topics)) {
    const names = new Set(topics);

    return (topic) => names.has(topic);
  }

  // A global or sticky pattern keeps state between test() calls, so the copy drops those flags.
  const pattern = new RegExp(topics.source, topics.flags.replace(/[gy]/g, ''));

  return (topic) => pattern.test(topic);
}
