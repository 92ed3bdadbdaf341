/**
 * `use-sync-external-store/shim/with-selector` as an ES module, for the component tests only. The
 * package ships CommonJS, which Node would load with its own `require("react")` past the Preact alias;
 * the production build converts it through the alias instead. Same algorithm as React's (MIT): the
 * selection is memoized on the snapshot, and an `isEqual` selection keeps the previous object.
 */
import { useDebugValue, useEffect, useMemo, useRef, useSyncExternalStore } from "react";

export function useSyncExternalStoreWithSelector<Snapshot, Selection>(
  subscribe: (onChange: () => void) => () => void,
  getSnapshot: () => Snapshot,
  getServerSnapshot: undefined | null | (() => Snapshot),
  selector: (snapshot: Snapshot) => Selection,
  isEqual?: (a: Selection, b: Selection) => boolean,
): Selection {
  const instance = useRef<{ hasValue: boolean; value: Selection | null }>({ hasValue: false, value: null }).current;
  const [selectedSnapshot, selectedServerSnapshot] = useMemo(() => {
    let memoized = false;
    let memoizedSnapshot: Snapshot;
    let memoizedSelection: Selection;
    const select = (next: Snapshot): Selection => {
      if (!memoized) {
        memoized = true;
        memoizedSnapshot = next;
        const selection = selector(next);
        if (isEqual !== undefined && instance.hasValue && isEqual(instance.value as Selection, selection)) {
          return (memoizedSelection = instance.value as Selection);
        }
        return (memoizedSelection = selection);
      }
      if (Object.is(memoizedSnapshot, next)) return memoizedSelection;
      const selection = selector(next);
      if (isEqual !== undefined && isEqual(memoizedSelection, selection)) {
        memoizedSnapshot = next;
        return memoizedSelection;
      }
      memoizedSnapshot = next;
      return (memoizedSelection = selection);
    };
    return [() => select(getSnapshot()), getServerSnapshot ? () => select(getServerSnapshot()) : undefined];
  }, [getSnapshot, getServerSnapshot, selector, isEqual]);
  const value = useSyncExternalStore(subscribe, selectedSnapshot, selectedServerSnapshot);
  useEffect(() => {
    instance.hasValue = true;
    instance.value = value;
  }, [instance, value]);
  useDebugValue(value);
  return value;
}
