"""The room screen's style sheet: large type, high contrast, one screen that never scrolls.

A constant (no user text ever goes in here). The view is a fixed box over the whole window, so
the document itself never grows; inside it every text the room reads is at least 28 px (the
agreement's who and when as large as its text), long texts are cut to a few lines with an
ellipsis, and lists are paged (ui/room_view.py) so a page always fits at 1280×720. From 1000 px
of height the same layout is set larger. Colours: #111 and #1F4E79 on white, #333 on #F3F5F8:
all above 7:1.
"""

from __future__ import annotations

ROOM_CSS = """
<style>
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stStatusWidget"],
[data-testid="stMainMenu"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: 100% !important; }
.room { position: fixed; inset: 0; z-index: 10; overflow: hidden; background: #FFFFFF; color: #111111;
  font-family: "Source Sans", "Source Sans Pro", system-ui, sans-serif; font-size: 30px; line-height: 1.2;
  padding: 20px 40px; display: flex; flex-direction: column; gap: 12px; box-sizing: border-box; }
.room * { box-sizing: border-box; margin: 0; }
.room-top { display: flex; justify-content: space-between; align-items: baseline; gap: 24px; }
.room-name { font-size: 44px; font-weight: 700; color: #1F4E79; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }
.room-clock { font-size: 30px; font-weight: 600; white-space: nowrap; }
.room-where { font-size: 30px; font-weight: 600; background: #1F4E79; color: #FFFFFF; padding: 6px 16px;
  border-radius: 6px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.room-main { flex: 1; min-height: 0; display: flex; flex-direction: column; gap: 12px; overflow: hidden; }
.room-heading { display: flex; justify-content: space-between; align-items: baseline; gap: 24px; }
.room-heading h2 { font-size: 36px; font-weight: 700; }
.room-page { font-size: 28px; font-weight: 600; color: #333333; white-space: nowrap; }
.room .room-list { list-style: none; padding: 0 !important; margin: 0 !important; display: flex;
  flex-direction: column; gap: 12px; }
.room .room-item { margin: 0 !important; }
.room-item { background: #F3F5F8; border-left: 10px solid #1F4E79; border-radius: 6px; padding: 8px 16px; }
.room-item.room-fresh { border-left-color: #8A5A00; }
.room-text { font-size: 30px; font-weight: 600; display: -webkit-box; -webkit-box-orient: vertical;
  -webkit-line-clamp: 2; overflow: hidden; overflow-wrap: anywhere; }
.room-words .room-text { -webkit-line-clamp: 3; font-size: 34px; }
.room-label { font-size: 28px; font-weight: 600; color: #333333; }
.room-who { font-size: 30px; font-weight: 700; color: #1F4E79; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }
.room-none { font-size: 30px; color: #333333; }
.room-bottom { font-size: 28px; font-weight: 600; color: #333333; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }
.room-message { margin: auto; max-width: 1100px; font-size: 40px; font-weight: 600; text-align: center;
  color: #111111; }
@media (min-height: 1000px) {
  .room { font-size: 40px; padding: 32px 56px; gap: 20px; }
  .room-name { font-size: 60px; }
  .room-clock, .room-where, .room-text, .room-who, .room-none { font-size: 40px; }
  .room-words .room-text { font-size: 44px; }
  .room-heading h2 { font-size: 48px; }
  .room-page, .room-label, .room-bottom { font-size: 34px; }
  .room-list, .room-main { gap: 18px; }
  .room-item { padding: 12px 22px; }
}
</style>
"""

# The page's language: ui/page_language.py (app.py, every page).
