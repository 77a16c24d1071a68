package io.sluice.it.reliability.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Test method names (behaviour sentences in camel case) as words: {@code echoes1011ForAPING} → "echoes 1011 for a PING". */
final class Humanized {
    private Humanized() {
    }

    static String sentence(String methodName) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        char[] c = methodName.toCharArray();
        for (int i = 0; i < c.length; i++) {
            boolean split = i > 0 && (Character.isUpperCase(c[i]) && (Character.isLowerCase(c[i - 1])
                    || Character.isDigit(c[i - 1]) || i + 1 < c.length && Character.isUpperCase(c[i - 1])
                    && Character.isLowerCase(c[i + 1])) || Character.isDigit(c[i]) && Character.isLetter(c[i - 1]));
            if (split && word.length() > 0) {
                words.add(word.toString());
                word.setLength(0);
            }
            word.append(c[i]);
        }
        words.add(word.toString());
        List<String> out = new ArrayList<>();
        for (String w : words) {
            boolean capitalised = w.length() > 1 && Character.isUpperCase(w.charAt(0))
                    && w.substring(1).equals(w.substring(1).toLowerCase(Locale.ROOT));
            out.add(capitalised || w.length() == 1 ? w.toLowerCase(Locale.ROOT) : w);
        }
        return String.join(" ", out);
    }
}
