"""Invented people's names for the demo, in pools that follow England's population.

Each pool holds first names (by sex) and surnames common in one community, so a child's
name fits the ethnicity recorded for them. No list names a real child.
"""

import random
from typing import NamedTuple


class NamePool(NamedTuple):
    male: tuple[str, ...]
    female: tuple[str, ...]
    surnames: tuple[str, ...]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


BRITISH = NamePool(
    _words(
        "Oliver Jack Harry George Noah Charlie Jacob Alfie Freddie Oscar Leo Logan Archie "
        "Theo Thomas James Joshua Riley William Max Lucas Ethan Mason Tyler Kai Callum "
        "Connor Liam Kyle Jayden Reece Bradley Lewis Ryan Dylan Harvey Jake Louie Tommy "
        "Finley Alex Ben Sam Luke Daniel Joseph Ellis Brandon Cameron Kian Leon Aaron "
        "Jordan Nathan Corey Owen Toby Elliot Jamie Frankie Ronnie Teddy Arthur Henry"
    ),
    _words(
        "Olivia Amelia Isla Ava Mia Ivy Lily Isabella Sophia Grace Freya Poppy Ella Evie "
        "Emily Chloe Jessica Sophie Ruby Millie Lola Holly Megan Courtney Shannon Chelsea "
        "Jade Leah Amber Paige Demi Lacey Maisie Darcie Willow Harper Rosie Ellie Hannah "
        "Katie Bethany Summer Skye Aria Esme Scarlett Charlotte Daisy Erin Phoebe Tilly "
        "Kayla Caitlin Abbie Georgia Lauren Molly Nevaeh Alice Florence"
    ),
    _words(
        "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts "
        "Robinson Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris "
        "Clarke Jackson Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King "
        "Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker Price "
        "Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell "
        "Shaw Murphy Miller Cox Richards Marshall Anderson Simpson Ellis Adams Wilkinson "
        "Foster Chapman Powell Webb Rogers Gray Mason Hunt Campbell Matthews Owen Palmer "
        "Holmes Mills Barnes Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins "
        "Murray Dixon Harvey Graham Pearson Fletcher Walsh Gibson Howard Andrews Stewart "
        "Elliott Reynolds Saunders Payne Fox Ford Pearce Day Brooks West Lawrence Cole "
        "Atkinson Bradley Spencer Dawson Ball Burton Watts Rose Booth Perry Grant Wells "
        "Armstrong Francis Rees Hayes Hart Hudson Newman Barrett Webster Hunter Gregory "
        "Carr Lowe Page Marsh Riley Dunn Woods Parsons Berry Stone Reid Holland Hawkins "
        "Harding Porter Robertson Newton Reed Kennedy Williamson Bird Gardner Whitehead"
    ),
)

IRISH = NamePool(
    _words(
        "Sean Ciaran Patrick Conor Declan Eoin Cian Oisin Darragh Padraig Michael John "
        "Martin Tommy Johnny Paddy Kieran Ronan Shane Aidan"
    ),
    _words(
        "Ciara Aoife Siobhan Roisin Niamh Caoimhe Saoirse Orla Sinead Bridget Mary Kathleen "
        "Margaret Shauna Clodagh Eileen Nora Maeve Grainne Tara"
    ),
    _words(
        "Murphy Kelly O'Sullivan Walsh O'Connor McCarthy Byrne Ryan Doyle O'Neill Quinn "
        "Doherty Gallagher Brennan Kavanagh Maguire Connors Ward McDonagh Joyce Delaney "
        "Sheridan Casey Brady Flanagan Keane Lynch Nolan Reilly Toal"
    ),
)

EAST_EUROPEAN = NamePool(
    _words(
        "Jakub Kacper Szymon Filip Mateusz Andrei Alexandru Ionut Luca Denis Matas Lukas "
        "Ardit Erion Kristian Mihai Bogdan Dawid Marius Florin Adrian Dominik Ernest Arber "
        "Klajdi Tomas Oliwer Antoni"
    ),
    _words(
        "Zuzanna Julia Maja Natalia Wiktoria Alexandra Ioana Maria Elena Bianca Andreea "
        "Gabriela Emilija Ieva Klaudia Roxana Denisa Elira Sara Amelia Oliwia Lena Daria "
        "Kamila Anja Dorina Ana Emanuela"
    ),
    _words(
        "Nowak Wojcik Popescu Ionescu Popa Stan Dumitru Radu Constantin Balan Kazlauskas "
        "Hoxha Krasniqi Berisha Gashi Shehu Lami Kovacs Horvath Balogh Lakatos Nagy "
        "Ciobanu Lungu Rusu Oprea Marin Mazur Krawczyk Kaczmarek Petrauskas Vasile"
    ),
)

INDIAN = NamePool(
    _words(
        "Arjun Rohan Aarav Dev Kabir Vihaan Harjot Gurpreet Rajan Sanjay Nikhil Aryan Krish "
        "Ravi Vikram Manveer Armaan Jasdeep Sahil Rishi Ishaan Karan Amrit Jai"
    ),
    _words(
        "Priya Anika Diya Simran Jasleen Harleen Anaya Kavya Meera Riya Navneet Pooja Isha "
        "Tara Saanvi Aanya Nisha Amrit Gurleen Sana Asha Leela Anjali Kiran"
    ),
    _words(
        "Patel Sharma Singh Gill Sandhu Sidhu Dhillon Mistry Shah Kumar Joshi Mehta "
        "Chauhan Parmar Bains Rai Thakkar Desai Nair Pillai Grewal Johal Virdi Kaur"
    ),
)

PAKISTANI_BANGLADESHI = NamePool(
    _words(
        "Muhammad Mohammed Ibrahim Yusuf Ayaan Zayn Hamza Ali Umar Bilal Ismail Zakariya "
        "Rayyan Haris Adam Imran Saif Abdullah Tahmid Rahim Shahid Aydin Ilyas Musa"
    ),
    _words(
        "Aisha Maryam Fatima Zara Hafsa Khadija Amina Noor Inaya Zainab Safa Sumaya Ayesha "
        "Tasnim Nusrat Sadia Halima Iqra Mariam Alisha Hiba Sanaa Ruqayyah Aleena"
    ),
    _words(
        "Khan Hussain Ahmed Ali Akhtar Iqbal Mahmood Rashid Malik Rahman Islam Uddin Miah "
        "Chowdhury Hossain Haque Aziz Shah Qureshi Javed Anwar Nawaz Begum Bibi Butt Sheikh"
    ),
)

WEST_AFRICAN = NamePool(
    _words(
        "Oluwaseun Tobi David Daniel Samuel Emmanuel Kwame Kofi Chinedu Ayo Femi Joshua "
        "Kelvin Prince Jeremiah Isaac Michael Tunde Ebuka Kayode Yaw Nathaniel Favour Victor"
    ),
    _words(
        "Adaeze Amara Chiamaka Tolu Blessing Favour Precious Esther Abena Ama Ruth Grace "
        "Deborah Temi Nia Divine Ifeoma Ngozi Adwoa Efua Jessica Peace Comfort Zoe"
    ),
    _words(
        "Adeyemi Okafor Okonkwo Mensah Owusu Boateng Asante Adebayo Oluwole Nwosu Eze Obi "
        "Ogunleye Osei Appiah Danso Afolabi Bello Kabongo Mukendi Ilunga Adjei Addo Nkosi"
    ),
)

CARIBBEAN = NamePool(
    _words(
        "Jamal Tyrese Kyron Marcus Jerome Malachi Isaiah Reuben Kemar Andre Tyler Jayden "
        "Reggie Nathan Elijah Micah Darnell Dwayne Josiah Kai"
    ),
    _words(
        "Shanice Tia Kiara Jada Aaliyah Nia Keisha Chantelle Renee Imani Jasmine Leah "
        "Tanisha Destiny Kayla Ebony Naomi Zara Aliyah Precious"
    ),
    _words(
        "Campbell Brown Williams Thomas Johnson Francis Clarke Grant Henry Robinson "
        "Samuels Bailey Edwards Gordon Lewis Morgan Reid Stewart Wright Walters McKenzie "
        "Gayle Bryan Sinclair Barrett Lindo"
    ),
)

CHINESE = NamePool(
    _words("Wei Jun Hao Ming Jian Kai Yi Jason Ethan Tian Long Zhi"),
    _words("Mei Li Xin Yan Lin Hui Ying Jia Yu Chloe Xiao Qing"),
    _words("Wang Li Zhang Chen Liu Yang Huang Wu Chan Wong Lam Cheung Ho Ng Lau Tang"),
)

MIDDLE_EASTERN = NamePool(
    _words(
        "Ahmad Mohammad Ali Hamid Omid Reza Samir Karwan Rebin Aram Yasin Mustafa Hassan "
        "Emre Yusuf Mehmet Farhad Bashir Jawad Sardar Rahmatullah Zana Hiwa Mahdi"
    ),
    _words(
        "Maryam Zahra Fatemeh Shirin Roya Hana Lana Shilan Layla Yasmin Elif Zeynep Nour "
        "Rania Dilan Parisa Soraya Ava Nazanin Gulalai Sahar Darya Tara Rojin"
    ),
    _words(
        "Ahmadi Mohammadi Hosseini Rahimi Karimi Haidari Sultani Noori Azizi Amiri Mahmoud "
        "Abdullah Hassan Omar Kaya Yilmaz Demir Rasul Kareem Safi Popal Stanekzai Barzani"
    ),
)

HORN_OF_AFRICA = NamePool(
    _words(
        "Yonas Filmon Tesfay Dawit Merhawi Abdullahi Osman Abdi Mohamed Ahmed Yohannes "
        "Biniam Samuel Daniel Henok Mussie Adam Ibrahim"
    ),
    _words(
        "Helen Senait Yordanos Selam Hiwet Hodan Ayan Fartun Sara Ruth Luwam Meron Saba "
        "Hanan Asma Nasra Amal Rahel"
    ),
    _words(
        "Tesfaye Gebremedhin Haile Tekle Berhane Osman Ibrahim Mohammed Abdelrahman "
        "Hagos Kidane Mebrahtu Abdi Farah Hassan Warsame Yusuf Elmi Adan"
    ),
)

# Ethnicity code (ssda903_ethnic) -> the pools a name may come from, first pool most often.
_POOLS_BY_ETHNICITY: dict[str, tuple[NamePool, ...]] = {
    "WBRI": (BRITISH,),
    "WIRI": (IRISH, BRITISH),
    "WOTH": (EAST_EUROPEAN, BRITISH),
    "WIRT": (IRISH,),
    "WROM": (EAST_EUROPEAN,),
    "MWBC": (BRITISH, CARIBBEAN),
    "MWBA": (BRITISH, WEST_AFRICAN),
    "MWAS": (BRITISH, PAKISTANI_BANGLADESHI, INDIAN),
    "MOTH": (BRITISH, CARIBBEAN, MIDDLE_EASTERN, CHINESE),
    "AIND": (INDIAN,),
    "APKN": (PAKISTANI_BANGLADESHI,),
    "ABAN": (PAKISTANI_BANGLADESHI,),
    "AOTH": (MIDDLE_EASTERN, INDIAN, PAKISTANI_BANGLADESHI),
    "BCRB": (CARIBBEAN,),
    "BAFR": (WEST_AFRICAN, HORN_OF_AFRICA),
    "BOTH": (CARIBBEAN, WEST_AFRICAN),
    "CHNE": (CHINESE,),
    "OOTH": (MIDDLE_EASTERN, HORN_OF_AFRICA),
    "REFU": (BRITISH,),
    "NOBT": (BRITISH,),
}

# Most unaccompanied children arriving in England come from these communities.
_UASC_POOLS: dict[str, tuple[NamePool, ...]] = {
    "AOTH": (MIDDLE_EASTERN,),
    "OOTH": (MIDDLE_EASTERN,),
    "BAFR": (HORN_OF_AFRICA,),
    "BOTH": (HORN_OF_AFRICA,),
    "WOTH": (EAST_EUROPEAN,),
}


def _pool(rng: random.Random, pools: tuple[NamePool, ...]) -> NamePool:
    """Pick the first pool two times in three, else any other."""
    if len(pools) == 1 or rng.random() < 2 / 3:
        return pools[0]
    return rng.choice(pools[1:])


def person_name(
    rng: random.Random, sex: str, ethnicity: str, uasc: bool = False
) -> tuple[str, str]:
    """Return a (first name, surname) that fits the sex and ethnicity code.

    Only children of mixed heritage (codes starting "M") may take their first name and
    surname from different pools.
    """
    pools = (_UASC_POOLS if uasc else {}).get(ethnicity) or _POOLS_BY_ETHNICITY.get(
        ethnicity, (BRITISH,)
    )
    first_pool = _pool(rng, pools)
    mixed = ethnicity.startswith("M") and rng.random() < 0.4
    last_pool = _pool(rng, pools) if mixed else first_pool
    firsts = first_pool.male if sex == "M" else first_pool.female
    return rng.choice(firsts), rng.choice(last_pool.surnames)
