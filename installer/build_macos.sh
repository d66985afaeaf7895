#!/usr/bin/env bash
# Build "Tag Genius.app" and a DMG on macOS (run on the architecture you are building for:
# arm64 on Apple Silicon, x86_64 on Intel).
#
# Environment (all optional; without them the result is an UNSIGNED DMG that Gatekeeper
# will call "damaged" on other Macs until the user removes the quarantine attribute):
#   MACOS_SIGN_IDENTITY      "Developer ID Application: Name (TEAMID)" in the keychain
#   APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD   notarization with an app-specific password
#   NOTARY_KEYCHAIN_PROFILE  or: a profile stored by `xcrun notarytool store-credentials`
#   PYTHON                   interpreter with the project and pyinstaller installed
#   TAGGENIUS_SKIP_SELFTEST=1  skip running the built app's --self-test
set -euo pipefail

cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
APP="dist/Tag Genius.app"
EXE="$APP/Contents/MacOS/taggenius"
ENTITLEMENTS="installer/macos/entitlements.plist"

version=$(sed -nE 's/^__version__ = "([^"]+)".*/\1/p' taggenius_desktop/__init__.py)
arch=$(uname -m)
DMG="dist/TagGenius-${version}-macos-${arch}.dmg"

log() { printf '== %s\n' "$*"; }

# --- build (PyInstaller signs every binary and the bundle when MACOS_SIGN_IDENTITY is set,
#     with the hardened runtime and our entitlements; see build.spec) -------------------
rm -rf "$APP" dist/taggenius "$DMG"
started=$(date +%s)
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN build.spec
log "built $APP in $(( $(date +%s) - started )) s, $(du -sh "$APP" | cut -f1)"

if [[ "${TAGGENIUS_SKIP_SELFTEST:-0}" != 1 ]]; then
    log "self-test"
    "$EXE" --self-test
fi

signed=0
if [[ -n "${MACOS_SIGN_IDENTITY:-}" ]]; then
    # Re-sign the outer bundle so its seal covers the final Info.plist and resources,
    # then check the whole tree the way Gatekeeper will.
    codesign --force --timestamp --options runtime --entitlements "$ENTITLEMENTS" \
        --sign "$MACOS_SIGN_IDENTITY" "$APP"
    codesign --verify --deep --strict --verbose=2 "$APP"
    signed=1
    log "signed with '$MACOS_SIGN_IDENTITY' (hardened runtime)"
else
    log "WARNING: MACOS_SIGN_IDENTITY is not set: the app is only ad-hoc signed and will not be notarized"
fi

notary_args=()
if [[ -n "${NOTARY_KEYCHAIN_PROFILE:-}" ]]; then
    notary_args=(--keychain-profile "$NOTARY_KEYCHAIN_PROFILE")
elif [[ -n "${APPLE_ID:-}" && -n "${APPLE_TEAM_ID:-}" && -n "${APPLE_APP_PASSWORD:-}" ]]; then
    notary_args=(--apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" --password "$APPLE_APP_PASSWORD")
fi
notarize() {  # notarize FILE: submit, wait for Apple's verdict, print the log on failure
    local file=$1 out id
    out=$(xcrun notarytool submit "$file" "${notary_args[@]}" --wait --output-format json) || true
    echo "$out"
    if ! grep -q '"status" *: *"Accepted"' <<<"$out"; then
        id=$(sed -nE 's/.*"id" *: *"([^"]+)".*/\1/p' <<<"$out" | head -1)
        [[ -n "$id" ]] && xcrun notarytool log "$id" "${notary_args[@]}" || true
        echo "notarization of $file was not accepted" >&2
        return 1
    fi
}
notarized=0
if [[ $signed == 1 && ${#notary_args[@]} -gt 0 ]]; then
    # The app is notarized and stapled on its own first, so a copy dragged out of the
    # DMG opens offline too; then the DMG that carries it.
    zip="dist/TagGenius-notarize.zip"
    ditto -c -k --keepParent "$APP" "$zip"
    notarize "$zip"
    rm -f "$zip"
    xcrun stapler staple "$APP"
    notarized=1
elif [[ $signed == 1 ]]; then
    log "WARNING: no notarization credentials (APPLE_ID/APPLE_TEAM_ID/APPLE_APP_PASSWORD or NOTARY_KEYCHAIN_PROFILE): signed but not notarized"
fi

# --- DMG: the app beside a link to /Applications, compressed (UDBZ) -------------------
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
ditto "$APP" "$staging/Tag Genius.app"
ln -s /Applications "$staging/Applications"
for attempt in 1 2 3 4 5; do
    # hdiutil fails now and then with "Resource busy" while Spotlight or XProtect still
    # holds the freshly written files; waiting and retrying is the known cure.
    if out=$(hdiutil create -volname "Tag Genius ${version}" -srcfolder "$staging" \
            -fs HFS+ -format UDBZ -ov "$DMG" 2>&1); then
        echo "$out"
        break
    fi
    echo "$out" >&2
    if [[ $attempt == 5 ]] || ! grep -q "Resource busy" <<<"$out"; then
        echo "hdiutil create failed" >&2
        exit 1
    fi
    log "hdiutil: resource busy, retrying in $(( attempt * 5 )) s"
    sleep $(( attempt * 5 ))
done

if [[ $signed == 1 ]]; then
    codesign --force --timestamp --sign "$MACOS_SIGN_IDENTITY" "$DMG"
fi
if [[ $notarized == 1 ]]; then
    notarize "$DMG"
    xcrun stapler staple "$DMG"
    xcrun stapler validate "$DMG"
    spctl --assess --type open --context context:primary-signature --verbose=2 "$DMG" || true
fi

case "$signed$notarized" in
    11) log "DONE: $DMG (signed, notarized, stapled)" ;;
    10) log "DONE: $DMG (signed, NOT notarized)" ;;
    *)  log "DONE: $DMG (UNSIGNED: for testing only; Gatekeeper will refuse it on other Macs)" ;;
esac
