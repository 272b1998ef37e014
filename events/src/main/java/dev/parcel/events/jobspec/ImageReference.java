package dev.parcel.events.jobspec;

import java.util.regex.Pattern;

/**
 * A Docker image reference, {@code [host[:port]/]path[:tag][@digest]}, by the grammar of the distribution project's
 * reference package (what {@code docker pull} accepts), lower-case paths only. The full-name length limit is 255.
 */
public final class ImageReference {
    private static final String SEPARATOR = "(?:[._]|__|-+)";
    private static final String PATH_COMPONENT = "[a-z0-9]+(?:" + SEPARATOR + "[a-z0-9]+)*";
    private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final String IPV6 = "\\[(?:[a-fA-F0-9:]+)\\]";
    private static final String DOMAIN = "(?:" + DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*|" + IPV6 + ")"
            + "(?::[0-9]+)?";
    private static final String TAG = "[\\w][\\w.-]{0,127}";
    private static final String DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
    private static final Pattern REFERENCE = Pattern.compile("(?:" + DOMAIN + "/)?" + PATH_COMPONENT
            + "(?:/" + PATH_COMPONENT + ")*(?::" + TAG + ")?(?:@" + DIGEST + ")?");
    private static final int MAX_NAME_LENGTH = 255;

    private ImageReference() {
    }

    public static boolean isValid(String reference) {
        return reference != null && REFERENCE.matcher(reference).matches()
                && nameOf(reference).length() <= MAX_NAME_LENGTH;
    }

    /** The reference without its tag and digest: these start at the first ':' or '@' after the last '/'. */
    private static String nameOf(String reference) {
        int lastSlash = Math.max(reference.lastIndexOf('/'), 0);
        for (int i = lastSlash; i < reference.length(); i++) {
            if (reference.charAt(i) == ':' || reference.charAt(i) == '@') {
                return reference.substring(0, i);
            }
        }
        return reference;
    }
}
